/* db_rows.c - multi-row VALUES writes (db_rows.h). Uses only db.h. */
#include "store/db_rows.h"

#include <pthread.h>
#include <stdlib.h>

#include "base/buf.h"

/* The texts made so far, for the life of the process (the statement caches
 * of every connection key by their addresses). A few per head. */
struct rows_sql {
	const char *head, *tail;
	size_t ncols, nrows;
	char *sql;
	struct rows_sql *next;
};
static struct rows_sql *made;
static pthread_mutex_t made_mu = PTHREAD_MUTEX_INITIALIZER;

/* After fork() only the calling thread exists: a lock another thread held
 * then is freed (the texts made so far stay valid). */
static void made_atfork_child(void)
{
	pthread_mutex_init(&made_mu, NULL);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void atfork_init(void)
{
	pthread_atfork(NULL, NULL, made_atfork_child);
}

size_t db_rows_chunk(size_t n)
{
	size_t c = 1;
	while (c * 2 <= n && c * 2 <= DB_ROWS_MAX)
		c *= 2;
	return c;
}

const char *db_rows_sql(const char *head, const char *tail, size_t ncols, size_t nrows)
{
	if (!head || !tail || !ncols || ncols > DB_ROWS_MAX_COLS || !nrows || nrows > DB_ROWS_MAX)
		return NULL;
	pthread_once(&atfork_once, atfork_init);
	pthread_mutex_lock(&made_mu);
	struct rows_sql *r = made;
	while (r && !(r->head == head && r->tail == tail && r->ncols == ncols && r->nrows == nrows))
		r = r->next;
	if (!r && (r = calloc(1, sizeof *r))) {
		struct buf b = BUF_INIT;
		buf_puts(&b, head);
		buf_puts(&b, " VALUES ");
		size_t no = 1;
		for (size_t i = 0; i < nrows; i++) {
			buf_puts(&b, i ? ", (" : "(");
			for (size_t j = 0; j < ncols; j++)
				buf_printf(&b, j ? ", ?%zu" : "?%zu", no++);
			buf_putc(&b, ')');
		}
		buf_puts(&b, tail);
		if (buf_failed(&b)) {
			buf_free(&b);
			free(r);
			r = NULL;
		} else {
			*r =
				(struct rows_sql){ head, tail, ncols, nrows, buf_detach(&b, NULL),
						   made };
			made = r;
		}
	}
	pthread_mutex_unlock(&made_mu);
	return r ? r->sql : NULL;
}

enum eb_err db_insert_rows(struct db *db, const char *head, size_t ncols, const struct db_arg *args,
			   size_t nrows)
{
	enum eb_err rc = EB_OK;
	for (size_t done = 0; done < nrows && !rc;) {
		size_t k = db_rows_chunk(nrows - done);
		const char *sql = db_rows_sql(head, "", ncols, k);
		rc = sql ? db_execute(db, sql, args + done * ncols, k * ncols, NULL) : EB_ENOMEM;
		done += k;
	}
	return rc;
}
