/*
 * kpixl.reader._tagscan: the tag scan of kpixl.reader.lean, compiled.
 *
 * One function, scan(content), returns what lean._numpy_tags returns, as six bytearrays
 * the caller views with numpy (no numpy C API here, so the module builds against any
 * numpy and any Python 3 that has the C API):
 *
 *   tags    int64, where each "<" is
 *   second  uint8, the byte after each
 *   third   uint8, the byte after that
 *   cells   int64, which tags are cells: "<c" and a byte that ends a name (space, tab,
 *           CR, LF, ">" or "/")
 *   closes  int64, which tags close a cell: "</c>"
 *   heads   24 bytes of each cell from where it starts
 *
 * A tag in the part's last two bytes reads the part's last two bytes as its second and
 * third; a cell in its last 24 reads the last 24; "</c" at the end reads the last byte as
 * its ">". These are numpy's clamped reads, kept so: tests/test_lean.py compares both
 * scans on random parts.
 *
 * Why compiled: numpy finds the "<" of a 10 MB Measurements sheet at 5 GB/s and then
 * gathers around 155,000 tags in a dozen passes; this is one pass with memchr (3 ms
 * against 1 ms a sheet, a sixth of what validate spends on a workbook). It reads the
 * content only within its bounds, writes only into buffers it has grown for the write,
 * and runs without the GIL (the buffer is held, so it cannot change meanwhile).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEAD 24

typedef struct {
    char *data;
    size_t used, size;
} Buffer;

/* Make room for `more` bytes; 0 when memory ran out. No GIL needed (PyMem_Raw*). */
static int reserve(Buffer *buffer, size_t more) {
    size_t size = buffer->size ? buffer->size : 1 << 16;
    if (buffer->used + more <= buffer->size)
        return 1;
    while (size < buffer->used + more) {
        if (size > SIZE_MAX / 2)
            return 0;
        size *= 2;
    }
    char *data = PyMem_RawRealloc(buffer->data, size);
    if (data == NULL)
        return 0;
    buffer->data = data;
    buffer->size = size;
    return 1;
}

static int push(Buffer *buffer, const void *item, size_t width) {
    if (!reserve(buffer, width))
        return 0;
    memcpy(buffer->data + buffer->used, item, width);
    buffer->used += width;
    return 1;
}

static int ends_name(unsigned char byte) {
    return byte == ' ' || byte == '\t' || byte == '\r' || byte == '\n' || byte == '>' || byte == '/';
}

enum { TAGS, SECOND, THIRD, CELLS, CLOSES, HEADS, PARTS };

/* Fill the six buffers from `s` (`size` >= HEAD bytes); 0 when memory ran out. */
static int find_tags(const unsigned char *s, size_t size, Buffer *out) {
    const unsigned char *at = s, *end = s + size;
    int64_t count = 0;
    /* About one tag in 60 bytes in a kpixl sheet: reserving that spares most regrowth. */
    if (!reserve(&out[TAGS], size / 60 * 8) || !reserve(&out[SECOND], size / 60) || !reserve(&out[THIRD], size / 60))
        return 0;
    while (at < end && (at = memchr(at, '<', (size_t)(end - at))) != NULL) {
        size_t i = (size_t)(at - s);
        size_t near = i < size - 3 ? i : size - 3;
        unsigned char second = s[near + 1], third = s[near + 2];
        int64_t where = (int64_t)i;
        if (!push(&out[TAGS], &where, 8) || !push(&out[SECOND], &second, 1) || !push(&out[THIRD], &third, 1))
            return 0;
        if (second == 'c' && ends_name(third)) {
            size_t head = i < size - HEAD ? i : size - HEAD;
            if (!push(&out[CELLS], &count, 8) || !push(&out[HEADS], s + head, HEAD))
                return 0;
        } else if (second == '/' && third == 'c' && s[i + 3 < size - 1 ? i + 3 : size - 1] == '>') {
            if (!push(&out[CLOSES], &count, 8))
                return 0;
        }
        count++;
        at++;
    }
    return 1;
}

static PyObject *scan(PyObject *module, PyObject *content) {
    Py_buffer view;
    Buffer out[PARTS];
    PyObject *result = NULL;
    int found;
    (void)module;
    if (PyObject_GetBuffer(content, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (view.len < HEAD) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "a part of fewer than 24 bytes has no tags to scan this way");
        return NULL;
    }
    memset(out, 0, sizeof out);
    Py_BEGIN_ALLOW_THREADS
    found = find_tags((const unsigned char *)view.buf, (size_t)view.len, out);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    if (!found) {
        PyErr_NoMemory();
    } else if ((result = PyTuple_New(PARTS)) != NULL) {
        for (int k = 0; k < PARTS; k++) {
            PyObject *part = PyByteArray_FromStringAndSize(out[k].data ? out[k].data : "", (Py_ssize_t)out[k].used);
            if (part == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyTuple_SET_ITEM(result, k, part);
        }
    }
    for (int k = 0; k < PARTS; k++)
        PyMem_RawFree(out[k].data);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(content) -> (tags, second, third, cells, closes, heads): the tags of a worksheet part of at least 24 "
     "bytes, as bytearrays (int64, uint8, uint8, int64, int64, 24 bytes a cell)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_tagscan", "The tag scan of kpixl.reader.lean, compiled.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__tagscan(void) { return PyModule_Create(&module); }
