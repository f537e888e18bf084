"""Own the isolation of untrusted parsing: workbooks are read in worker processes.

A spreadsheet parser is native code fed by strangers' files. python-calamine
aborts the whole process on some hostile files (tafia/calamine#693); tomorrow's
pattern is unknown. So every input file is parsed in a long-lived worker process
(one per job, reused from file to file, since starting one costs the imports).
What a worker does to itself costs one finding for that file, and the run goes on:

* it dies on a signal (abort, segmentation fault): ``KPX190``;
* it runs past the per-file time limit (``--file-timeout``, default 60 s): it is
  killed and replaced: ``KPX191``;
* it exceeds its memory limit (``--memory-limit``, default 2 GB more address space than
  the idle worker maps, enforced with ``RLIMIT_AS``; POSIX only):
  Python's ``MemoryError`` or the kernel's kill: ``KPX192``.

A task is named as ``"module:function"`` (so a test can inject a faulty engine and
any start method works); the worker calls it with the item's arguments and sends the
result back pickled. Results come back in input order. Where processes cannot be
started at all (a locked-down sandbox), :class:`WorkerPool` runs the tasks in this
process, as kpixl did before: the byte-level pre-check in :mod:`kpixl.reader` then
scans every worksheet whole, to keep known hostile patterns away from the parser.
In a worker (:func:`in_worker`) it does not: a crash costs that file's finding, and
the parent then words why with the same pre-check (``kpixl.reader.isolated_result``).
"""

from __future__ import annotations

import ctypes
import faulthandler
import gc
import importlib
import multiprocessing
import os
import signal
import sys
import time
from multiprocessing import connection as mp_connection
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Callable, Iterator, Sequence

from kpixl.message import Message

DEFAULT_FILE_TIMEOUT = 60.0
DEFAULT_MEMORY_LIMIT = 2 * 1024 ** 3

CRASHED = "KPX190"
TIMED_OUT = "KPX191"
OUT_OF_MEMORY = "KPX192"

@dataclass(frozen=True)
class Fault:
    """Describe why a worker gave no result for one item: a finding code and its message (the catalogue's key is the code)."""

    code: str
    message: Message

    @classmethod
    def of(cls, code: str, detail: str) -> "Fault":
        """Return the fault ``code`` with ``detail`` (what crashed it, the limit it ran past) as its fact."""
        return cls(code, Message.of(code, detail=detail))


# True in a worker process (set by _serve): there a parser that dies costs one file's finding.
_IN_WORKER = False


def in_worker() -> bool:
    """Return True in a worker process, where native parsing cannot take the run down with it."""
    return _IN_WORKER


def resolve(task: str) -> Callable[..., Any]:
    """Return the function named ``"package.module:function"``."""
    module, _, name = task.partition(":")
    return getattr(importlib.import_module(module), name)


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_AS; the time limit still holds
        return
    # RLIMIT_AS counts address space, and an idle worker already maps well over a GB
    # (numpy, Arrow, the Rust readers' thread pools): the limit is what reading may add.
    limit += _address_space()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int:
    """Return this process's mapped address space in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """Run in the worker: call each task sent until the pipe closes; send back results or faults."""
    global _IN_WORKER
    _IN_WORKER = True
    # The parent handles Ctrl+C and ends its workers; a worker must not print a traceback for it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A native crash is reported once, as the file's finding; a test runner's fault
    # handler would dump this worker's stack on top of it, and a Rust reader its
    # allocation failure and backtrace: the worker's own stderr goes nowhere.
    faulthandler.disable()
    _silence_stderr()
    _keep_freed_memory()
    _calm_collector()
    _limit_memory(memory_limit)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, args = message
        try:
            reply: tuple[str, Any] = ("ok", resolve(task)(*args))
        except MemoryError:
            reply = ("fault", OUT_OF_MEMORY)
        except BaseException as error:  # noqa: BLE001 - the parent decides; it re-raises in its own process
            reply = ("raised", f"{type(error).__name__}: {error}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("fault", OUT_OF_MEMORY))


# glibc's mallopt parameters (malloc.h) and what the worker sets them to.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
MMAP_THRESHOLD = 64 * 1024 ** 2  # a smaller block comes from the heap, where it is reused
TRIM_THRESHOLD = 128 * 1024 ** 2  # so much freed heap is kept for the next file


# Allocations between two collections of the young generation in a worker (Python's default: 700).
GC_YOUNG = 20_000


def _calm_collector() -> None:
    """Keep the cyclic garbage collector off what a worker inherited, and from running every 700 allocations.

    A worker builds thousands of objects a file (a template's 1,300 measurement records and
    their places), which live until the file is done. With Python's default thresholds the
    collector walked them over and over, and every hundredth run also every object the
    parent had made (modules, catalogues, schema): 1-1.5 ms of a file's 19 ms. What the
    worker inherits is frozen (``gc.freeze``, as Python's documentation advises for a forked
    worker) and the young generation is collected every :data:`GC_YOUNG` allocations.
    Reference counting still frees a file's records when it is done (they hold no cycles);
    the collector only runs less often.
    """
    gc.freeze()
    gc.set_threshold(GC_YOUNG, *gc.get_threshold()[1:])


def _keep_freed_memory() -> bool:
    """Have the C library's malloc keep the memory a file freed for the next one; return whether it could.

    Each file's table sheets are unpacked into buffers of megabytes (a template's
    Measurements sheet is 9-13 MB, and numpy's temporaries as large). glibc's malloc
    serves such a block from a fresh mapping, or trims its heap after it, by thresholds
    it keeps moving; so the kernel zero-fills every page again for the next file: in a
    worker validating 50 template-made files that was 4,800 page faults and 12 ms of
    system time a file, a third of its CPU. Fixed thresholds (blocks below
    :data:`MMAP_THRESHOLD` from the heap, up to :data:`TRIM_THRESHOLD` of it kept free)
    make it 190 faults and 0.9 ms. Only in a worker, which is kpixl's own process; where
    there is no glibc (macOS, Windows, musl) nothing changes.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def _silence_stderr() -> None:
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no stderr to silence
        pass


class Worker:
    """Own one worker process and its pipe; restart it after a fault.

    Workers are started, and restarted, only from the thread that drives them, so the
    fast ``fork`` start is safe (no other thread of ours can hold a lock at that moment).
    """

    def __init__(self, *, timeout: float | None = DEFAULT_FILE_TIMEOUT, memory_limit: int | None = DEFAULT_MEMORY_LIMIT):
        self.timeout = timeout
        self.memory_limit = memory_limit
        self.process: Any = None
        self.conn: Connection | None = None
        self.deadline: float | None = None

    def start(self) -> Connection:
        """Start the worker process unless it runs; return the pipe to it."""
        if self.conn is None or self.process is None or not self.process.is_alive():
            self.close()
            context = _context()
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, self.memory_limit), daemon=True,
                                      name="kpixl-reader")
            process.start()
            child.close()
            self.process, self.conn = process, parent
        return self.conn

    def send(self, task: str, args: tuple) -> Fault | None:
        """Hand ``task(*args)`` to the worker; return a Fault if it is already gone."""
        conn = self.start()
        try:
            conn.send((task, args))
        except (OSError, EOFError):
            return self._died()
        self.deadline = None if self.timeout is None else time.monotonic() + self.timeout
        return None

    def receive(self) -> Any:
        """Return the result of the task handed over (waiting for it), or a Fault."""
        conn = self.conn
        assert conn is not None, "receive() without send()"
        try:
            kind, payload = conn.recv()
        except (OSError, EOFError):
            return self._died()
        finally:
            self.deadline = None
        if kind == "ok":
            return payload
        if kind == "fault":
            self.close(kill=True)  # a worker that ran out of memory is not trusted with the next file
            return Fault.of(payload, _bytes(self.memory_limit))
        raise WorkerError(payload)

    def expire(self) -> Fault:
        """End a worker that ran past its time limit; return the fault for its file."""
        self.close(kill=True)
        self.deadline = None
        return Fault.of(TIMED_OUT, _seconds(self.timeout))

    def call(self, task: str, args: tuple) -> Any:
        """Return ``task(*args)`` computed in the worker, or a :class:`Fault`.

        An exception the task raises is re-raised here as :class:`WorkerError`.
        """
        fault = self.send(task, args)
        if fault is not None:
            return fault
        assert self.conn is not None
        try:
            ready = self.conn.poll(self.timeout)
        except (OSError, EOFError):
            return self._died()
        return self.receive() if ready else self.expire()

    def _died(self) -> Fault:
        process = self.process
        self.close(kill=True)
        code = process.exitcode if process is not None else None
        if code is not None and code < 0:
            sig = -code
            if sig == signal.SIGKILL and self.memory_limit:
                # The kernel's out-of-memory killer or a hard limit ends a process with SIGKILL.
                return Fault.of(OUT_OF_MEMORY, _bytes(self.memory_limit))
            return Fault.of(CRASHED, f"signal {_signal_name(sig)}")
        return Fault.of(CRASHED, f"exit code {code}")

    def close(self, kill: bool = False) -> None:
        """End the worker: politely, or at once with ``kill``."""
        conn, process = self.conn, self.process
        self.conn = self.process = None
        if conn is not None:
            if not kill:
                try:
                    conn.send(None)
                except (OSError, EOFError):
                    pass
            conn.close()
        if process is not None:
            if kill and process.is_alive():
                process.kill()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()


class WorkerError(RuntimeError):
    """Report an exception a task raised inside a worker (its type and message)."""


class WorkerPool:
    """Run one task over many items in ``jobs`` long-lived workers; yield results in input order.

    Use as a context manager. Each result is the task's return value or a :class:`Fault`.
    One thread drives every worker (``multiprocessing.connection.wait`` on their pipes).
    """

    def __init__(self, jobs: int = 1, *, timeout: float | None = DEFAULT_FILE_TIMEOUT,
                 memory_limit: int | None = DEFAULT_MEMORY_LIMIT, isolate: bool = True):
        self.jobs = max(1, jobs)
        self.isolate = isolate and _processes_allowed()
        self.workers = [Worker(timeout=timeout, memory_limit=memory_limit) for _ in range(self.jobs)]

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End every worker."""
        for worker in self.workers:
            worker.close()

    def call(self, task: str, args: tuple) -> Any:
        """Return ``task(*args)`` from the first worker (or in process when isolation is off)."""
        if not self.isolate:
            return resolve(task)(*args)
        return self.workers[0].call(task, args)

    def map(self, task: str, items: Sequence[tuple]) -> Iterator[Any]:
        """Yield ``task(*item)`` or a :class:`Fault` for every item, in input order.

        The next item is handed to a worker before a result is yielded, so even one
        worker parses the next file while the caller works on this one.
        """
        if not self.isolate:
            for item in items:
                yield self.call(task, item)
            return
        workers = self.workers[:max(1, len(items))]
        busy: dict[Worker, int] = {}
        done: dict[int, Any] = {}
        queued = iter(enumerate(items))
        emitted = 0
        self._dispatch(task, workers, queued, busy, done)
        while emitted < len(items):
            self._collect(busy, done)
            self._dispatch(task, workers, queued, busy, done)
            while emitted in done:
                yield done.pop(emitted)
                emitted += 1

    @staticmethod
    def _dispatch(task: str, workers: list[Worker], queued: Iterator[tuple[int, tuple]], busy: dict[Worker, int],
                  done: dict[int, Any]) -> None:
        """Hand the next items to the idle workers."""
        for worker in workers:
            while worker not in busy:
                entry = next(queued, None)
                if entry is None:
                    return
                fault = worker.send(task, entry[1])
                if fault is None:
                    busy[worker] = entry[0]
                else:
                    done[entry[0]] = fault

    @staticmethod
    def _collect(busy: dict[Worker, int], done: dict[int, Any]) -> None:
        """Wait until a busy worker answers or runs out of time; move what is finished into ``done``."""
        if not busy:
            return
        deadlines = [w.deadline for w in busy if w.deadline is not None]
        wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        by_conn: dict[Any, Worker] = {w.conn: w for w in busy}
        for conn in mp_connection.wait(list(by_conn), timeout=wait):
            worker = by_conn[conn]
            done[busy.pop(worker)] = worker.receive()
        now = time.monotonic()
        for worker in [w for w in busy if w.deadline is not None and w.deadline <= now]:
            done[busy.pop(worker)] = worker.expire()


def _context() -> Any:
    # fork starts a worker in milliseconds with every module already imported; workers are
    # only ever started from the one thread that drives them. Where fork is not offered
    # (Windows) or not safe (macOS), spawn.
    if sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _processes_allowed() -> bool:
    try:
        multiprocessing.get_context()
        parent, child = multiprocessing.Pipe()
    except (OSError, NotImplementedError, ImportError):  # e.g. no semaphores or pipes in a sandbox
        return False
    parent.close()
    child.close()
    return True


def _seconds(value: float | None) -> str:
    return f"{value:g} s" if value is not None else "the time limit"


def _bytes(value: int | None) -> str:
    if not value:
        return "the memory limit"
    return f"{value / 1024 ** 3:g} GB" if value >= 1024 ** 3 else f"{value / 1024 ** 2:g} MB"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)
