/* torture.c - allocation-failure injection for `make torture`.
 *
 * Linked into the unit-test binaries of the torture build, whose copy of
 * libedbridge.a has its calls to malloc, calloc, realloc, strdup and strndup
 * renamed to the __wrap_ functions below (objcopy --redefine-sym, see the
 * Makefile): every allocation edbridge's own code makes goes through the
 * counter, while the tests' own do not; SQLite's and jansson's allocators are routed through it too (set
 * before either library allocates), so their out-of-memory paths reach our
 * error handling as they would on a real machine. As in curl's and SQLite's
 * torture tests:
 *   EB_TORTURE_COUNT=FILE  counts the allocations and writes the total to
 *                          FILE at exit;
 *   EB_TORTURE_FAIL=N      makes the Nth allocation (from 1) fail, once;
 *                          the run must then end without a crash, a
 *                          sanitizer report or a leak (an assertion may
 *                          fail: the test saw the error it was given).
 * The counter is atomic: the group-commit writer thread allocates too. */
#include <jansson.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define __real_malloc malloc
#define __real_calloc calloc
#define __real_realloc realloc
#define __real_strdup strdup
#define __real_strndup strndup

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static atomic_long counter;
static long fail_at = -1;
static const char *count_file;

/* true when this allocation is the one to fail */
static int should_fail(void)
{
	long k = atomic_fetch_add(&counter, 1) + 1;
	return k == fail_at;
}

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return should_fail() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return should_fail() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return should_fail() ? NULL : __real_strndup(s, n);
}

/* SQLite's allocator through the counter. SQLite needs the size of an
 * allocation back, so each block carries it in an 8-byte header. */
static void *sq_malloc(int n)
{
	if (n <= 0 || should_fail())
		return NULL;
	int64_t *p = __real_malloc((size_t)n + 8);
	if (!p)
		return NULL;
	p[0] = n;
	return p + 1;
}

static void sq_free(void *p)
{
	if (p)
		free((int64_t *)p - 1);
}

static void *sq_realloc(void *p, int n)
{
	if (n <= 0 || should_fail())
		return NULL;
	int64_t *q = __real_realloc((int64_t *)p - 1, (size_t)n + 8);
	if (!q)
		return NULL;
	q[0] = n;
	return q + 1;
}

static int sq_size(void *p)
{
	return p ? (int)((int64_t *)p)[-1] : 0;
}

static int sq_roundup(int n)
{
	return (n + 7) & ~7;
}

static int sq_init(void *arg)
{
	(void)arg;
	return SQLITE_OK;
}

static void sq_shutdown(void *arg)
{
	(void)arg;
}

static void *js_malloc(size_t n)
{
	return __wrap_malloc(n);
}

static void report(void)
{
	if (!count_file)
		return;
	FILE *f = fopen(count_file, "w");
	if (f) {
		fprintf(f, "%ld\n", atomic_load(&counter));
		fclose(f);
	}
}

__attribute__((constructor)) static void torture_init(void)
{
	const char *f = getenv("EB_TORTURE_FAIL");
	if (f && *f)
		fail_at = strtol(f, NULL, 10);
	count_file = getenv("EB_TORTURE_COUNT");
	static const sqlite3_mem_methods m = { sq_malloc,  sq_free, sq_realloc,	 sq_size,
					       sq_roundup, sq_init, sq_shutdown, NULL };
	sqlite3_config(SQLITE_CONFIG_MALLOC, &m);
	json_set_alloc_funcs(js_malloc, free);
	atexit(report);
}
