/* db_legacy.h - the statement calls from before db_query (transitional).
 *
 * Kept only while query sites move onto db_query / db_next / db_done and the
 * whole-query helpers of db.h; removed with the last one. Semantics as
 * before: db_prepare hands back the cached statement reset and unbound
 * (even one a caller is still stepping), db_reset / db_run give it back. */
#ifndef EB_DB_LEGACY_H
#define EB_DB_LEGACY_H

#include <stdint.h>

struct db;
struct db_stmt;

enum db_step_result { DB_ROW = 1, DB_DONE = 2 };

enum eb_err db_prepare(struct db *db, const char *sql, struct db_stmt **out);
void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_text(struct db_stmt *st, int idx, const char *p, int n);
void db_bind_null(struct db_stmt *st, int idx);
void db_bind_blob(struct db_stmt *st, int idx, const void *p, int n);
/* DB_ROW, DB_DONE, or -1 on error. */
int db_step(struct db_stmt *st);
enum eb_err db_run(struct db_stmt *st);
void db_reset(struct db_stmt *st);

#endif
