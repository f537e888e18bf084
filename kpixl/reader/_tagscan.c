/*
 * kpixl.reader._tagscan: the tag scan of kpixl.reader.lean, compiled.
 *
 * One function, scan(content), returns what lean._numpy_tags and lean._places_by_row
 * return, as bytearrays the caller views with numpy (no numpy C API here, so the module
 * builds against any numpy and any Python 3 that has the C API):
 *
 *   tags    int64, where each "<" is
 *   second  uint8, the byte after each
 *   third   uint8, the byte after that
 *   cells   int64, which tags are cells: "<c" and a byte that ends a name (space, tab,
 *           CR, LF, ">" or "/")
 *   closes  int64, which tags close a cell: "</c>"
 *   heads   24 bytes of each cell from where it starts
 *   by_row  None, unless every "<row" tag reads <row r="N" (1 to 7 digits) and every cell
 *           <c r="LETTERS + its row's digits", after a row: then each cell's row number
 *           and column number (int64), the row tags' indexes (int64) and each cell's row
 *           among them (int32), as lean._places_by_row gives them from numpy's scan
 *
 * A tag in the part's last two bytes reads the part's last two bytes as its second and
 * third; a cell in its last 24 reads the last 24; "</c" at the end reads the last byte as
 * its ">". These are numpy's clamped reads, kept so: tests/test_lean.py compares both
 * scans on random parts.
 *
 * Why compiled: numpy finds the "<" of a 10 MB Measurements sheet at 5 GB/s and then
 * gathers around 155,000 tags in a dozen passes, and places 40,000 cells in a dozen more;
 * this is one pass with memchr (4 ms against 1 ms a sheet, a fifth of what validate
 * spends on a workbook). It reads the content only within its bounds, writes only into
 * buffers it has grown for the write, and runs without the GIL (the buffer is held, so it
 * cannot change meanwhile).
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

enum { TAGS, SECOND, THIRD, CELLS, CLOSES, HEADS, ROWS, COLUMNS, ROW_TAGS, OWNERS, PARTS };
#define BY_ROW ROWS /* where the result tuple holds the places by row, after the six tag arrays */

static int upper(unsigned char byte) { return byte >= 'A' && byte <= 'Z'; }

/* The row the cells being scanned are in, as lean._places_by_row reads it. */
typedef struct {
    int plain;                /* every row and cell so far written the plain way */
    int32_t count;            /* the rows seen */
    int64_t number;           /* the current row's number */
    unsigned char spelled[8]; /* its digits and the quote after them */
    size_t width;             /* how many bytes of spelled: digits + 1 */
} Rows;

/* Read the row tag at `i` ("<ro"...): 16 bytes from it (or the part's last 16), as numpy does. */
static int read_row(const unsigned char *s, size_t size, size_t i, int64_t index, Rows *rows, Buffer *out) {
    const unsigned char *word = s + (i < size - 16 ? i : size - 16);
    size_t digits = 0;
    int64_t number = 0;
    if (memcmp(word, "<row", 4) != 0 || !ends_name(word[4]))
        return 1; /* "<rowBreaks>" and the like: no row */
    rows->count++;
    if (rows->plain && !push(&out[ROW_TAGS], &index, 8))
        return 0;
    if (memcmp(word, "<row r=\"", 8) != 0) {
        rows->plain = 0;
        return 1;
    }
    while (digits < 8 && word[8 + digits] != '"')
        digits++;
    if (digits < 1 || digits > 7) {
        rows->plain = 0;
        return 1;
    }
    for (size_t k = 0; k < digits; k++) {
        if (word[8 + k] < '0' || word[8 + k] > '9') {
            rows->plain = 0;
            return 1;
        }
        number = number * 10 + (word[8 + k] - '0');
    }
    rows->number = number;
    rows->width = digits + 1;
    memcpy(rows->spelled, word + 8, digits + 1);
    return 1;
}

/* Place the cell whose first 24 bytes are `head` in the current row: its column from its
   letters, its digits checked to be its row's (lean._columns and the masked comparison). */
static int place_cell(const unsigned char *head, Rows *rows, Buffer *out) {
    size_t letters = 1;
    int64_t column;
    int32_t owner = rows->count - 1;
    if (owner < 0 || memcmp(head, "<c r=\"", 6) != 0 || !upper(head[6])) {
        rows->plain = 0;
        return 1;
    }
    column = head[6] - 64;
    if (upper(head[7])) {
        letters = 2;
        column = column * 26 + (head[7] - 64);
        if (upper(head[8])) {
            letters = 3;
            column = column * 26 + (head[8] - 64);
        }
    }
    if (memcmp(head + 6 + letters, rows->spelled, rows->width) != 0) {
        rows->plain = 0;
        return 1;
    }
    return push(&out[ROWS], &rows->number, 8) && push(&out[COLUMNS], &column, 8) && push(&out[OWNERS], &owner, 4);
}

/* Fill the buffers from `s` (`size` >= HEAD bytes); 0 when memory ran out. `rows->plain`
   tells afterwards whether the cells could be placed by their rows. */
static int find_tags(const unsigned char *s, size_t size, Buffer *out, Rows *rows) {
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
            const unsigned char *head = s + (i < size - HEAD ? i : size - HEAD);
            if (!push(&out[CELLS], &count, 8) || !push(&out[HEADS], head, HEAD))
                return 0;
            if (rows->plain && !place_cell(head, rows, out))
                return 0;
        } else if (second == '/' && third == 'c' && s[i + 3 < size - 1 ? i + 3 : size - 1] == '>') {
            if (!push(&out[CLOSES], &count, 8))
                return 0;
        } else if (second == 'r' && third == 'o' && !read_row(s, size, i, count, rows, out)) {
            return 0;
        }
        count++;
        at++;
    }
    return 1;
}

static PyObject *bytearray_of(const Buffer *buffer) {
    return PyByteArray_FromStringAndSize(buffer->data ? buffer->data : "", (Py_ssize_t)buffer->used);
}

/* The result tuple: the six tag arrays, then the cells' places by row or None. */
static PyObject *parts(const Buffer *out, int placed) {
    PyObject *result = PyTuple_New(BY_ROW + 1), *by_row = NULL;
    if (result == NULL)
        return NULL;
    for (int k = 0; k < BY_ROW; k++) {
        PyObject *part = bytearray_of(&out[k]);
        if (part == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(result, k, part);
    }
    if (!placed) {
        Py_INCREF(Py_None);
        PyTuple_SET_ITEM(result, BY_ROW, Py_None);
        return result;
    }
    if ((by_row = PyTuple_New(PARTS - ROWS)) == NULL) {
        Py_DECREF(result);
        return NULL;
    }
    PyTuple_SET_ITEM(result, BY_ROW, by_row);
    for (int k = ROWS; k < PARTS; k++) {
        PyObject *part = bytearray_of(&out[k]);
        if (part == NULL) {
            Py_DECREF(result);
            return NULL;
        }
        PyTuple_SET_ITEM(by_row, k - ROWS, part);
    }
    return result;
}

static PyObject *scan(PyObject *module, PyObject *content) {
    Py_buffer view;
    Buffer out[PARTS];
    Rows rows;
    PyObject *result = NULL;
    int found, placed;
    (void)module;
    if (PyObject_GetBuffer(content, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    if (view.len < HEAD) {
        PyBuffer_Release(&view);
        PyErr_SetString(PyExc_ValueError, "a part of fewer than 24 bytes has no tags to scan this way");
        return NULL;
    }
    memset(out, 0, sizeof out);
    memset(&rows, 0, sizeof rows);
    rows.plain = 1;
    Py_BEGIN_ALLOW_THREADS
    found = find_tags((const unsigned char *)view.buf, (size_t)view.len, out, &rows);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&view);
    /* Placed by their rows when there are cells and every row and cell is plain (a cell
       before any row is not: it has no row to be in). */
    placed = rows.plain && out[CELLS].used > 0;
    if (!found)
        PyErr_NoMemory();
    else
        result = parts(out, placed);
    for (int k = 0; k < PARTS; k++)
        PyMem_RawFree(out[k].data);
    return result;
}

static PyMethodDef methods[] = {
    {"scan", scan, METH_O,
     "scan(content) -> (tags, second, third, cells, closes, heads, by_row): the tags of a worksheet part of at "
     "least 24 bytes, as bytearrays (int64, uint8, uint8, int64, int64, 24 bytes a cell), and the cells' places "
     "by their rows (rows int64, columns int64, row tags int64, owners int32) or None."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_tagscan", "The tag scan of kpixl.reader.lean, compiled.", -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__tagscan(void) { return PyModule_Create(&module); }
