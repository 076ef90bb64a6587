/* db_rows.h - many rows in one statement: multi-row VALUES writes through
 * db.h, the same SQL on both backends.
 *
 * A write of n rows one statement each costs n executions (on PostgreSQL
 * each one planned, its constraints set up and its answer read). These
 * helpers write the rows in statements of up to DB_ROWS_MAX rows each:
 *
 *	INSERT INTO t (a, b, c) VALUES (?1, ?2, ?3), (?4, ?5, ?6), ...
 *
 * The row counts of those statements are powers of two (n = 100 is 64, 32
 * and 4), so a head makes a handful of distinct SQL texts, each prepared
 * once per connection like any other (db.h keys its statement cache by the
 * text's address: the texts are kept for the life of the process). */
#ifndef EB_DB_ROWS_H
#define EB_DB_ROWS_H

#include <stddef.h>

#include "store/db.h"

/* The most rows one statement takes (its parameters: rows x columns, far
 * below both backends' limits for the tables written this way). */
#define DB_ROWS_MAX 128
/* The most columns a row may have. */
#define DB_ROWS_MAX_COLS 32

/* The rows the next statement of a write of n rows (n > 0) takes: the
 * largest power of two not above n nor DB_ROWS_MAX. */
size_t db_rows_chunk(size_t n);

/* The SQL "<head> VALUES (?1, ..., ?ncols), ..., (...)<tail>" for nrows
 * rows: head ("INSERT INTO t (a, b)", "INSERT OR IGNORE INTO ...") and tail
 * ("", " RETURNING id") are string literals, and the same head, tail,
 * ncols and nrows give the same pointer, valid for the life of the process.
 * nrows is 1 to DB_ROWS_MAX (any count, though db_rows_chunk's keep the
 * texts few), ncols 1 to DB_ROWS_MAX_COLS. NULL when out of memory or out
 * of range. Thread-safe. */
const char *db_rows_sql(const char *head, const char *tail, size_t ncols, size_t nrows);

/* Writes nrows rows of ncols values each (args: nrows * ncols values, row
 * after row) with head (as db_rows_sql's, no tail), in order, in
 * db_rows_chunk statements through db_execute: on PostgreSQL inside an
 * unguarded transaction they go down the pipeline without waiting.
 * db_execute's errors; the first failed statement stops (the rows of the
 * statements before it are written). */
enum eb_err db_insert_rows(struct db *db, const char *head, size_t ncols, const struct db_arg *args,
			   size_t nrows);

#endif
