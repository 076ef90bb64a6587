/* kt_data.h - response logs in the ASSISTments knowledge-tracing format.
 *
 * A file is tab-separated with a header line naming the columns user_id,
 * item_id, correct, skill_id and optionally timestamp (any order, extra
 * columns ignored). Each following line is one response. Rows are grouped per
 * user and ordered by (first appearance of the user, timestamp, file line), so
 * timestamp 0 everywhere keeps file order.
 *
 * Multi-skill items: consecutive rows of one user with the same item,
 * timestamp and outcome but different skill_id are one interaction tagged with
 * several skills (at most KT_MAX_SKILLS); they become one kt_response. An
 * empty skill_id means "no skill" (nskills 0). */
#ifndef EB_KT_DATA_H
#define EB_KT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

#define KT_MAX_SKILLS 4
/* Hard caps on what one file may hold (a district export is far smaller). */
#define KT_MAX_FILE_BYTES ((size_t)1 << 30)
#define KT_MAX_ID INT32_MAX

struct kt_response {
	int32_t user, item;	      /* raw ids from the file, >= 0 */
	int32_t skill[KT_MAX_SKILLS]; /* raw skill ids; first nskills valid */
	int64_t timestamp;
	uint32_t line;	 /* 1-based file line of the (first) row */
	uint8_t correct; /* 0 or 1 */
	uint8_t nskills;
};

struct kt_dataset {
	struct kt_response *rows; /* owned; grouped by user, in order */
	size_t n;
	size_t nusers;
	size_t *user_start; /* owned; user u's rows are
					 * [user_start[u], user_start[u+1]) */
};

/* Reads and validates `path`. On success fills *out (free with kt_free).
 * On failure returns EB_EIO (cannot read), EB_EPARSE (bad content) or
 * EB_ETOOBIG and writes "path:line: reason" into err (cap bytes); nothing is
 * kept. */
enum eb_err kt_load(const char *path, struct kt_dataset *out, char *err, size_t cap);

/* Same on an in-memory buffer (modified in place); `name` labels errors. */
enum eb_err kt_parse(const char *name, char *data, size_t len, struct kt_dataset *out, char *err,
		     size_t cap);

/* EB_OK when no user appears in both; otherwise EB_ECONFLICT and err says
 * "test file shares user U with train (line N)" with N the test line. */
enum eb_err kt_check_disjoint(const struct kt_dataset *train, const struct kt_dataset *test,
			      char *err, size_t cap);

void kt_free(struct kt_dataset *d);

/* Splits d by user for cross-validation: users whose hashed id falls in
 * `fold` of `folds` go to *held, the others to *rest (both owned by the
 * caller, kt_free). EB_EINVAL when fold is not in [0, folds). */
enum eb_err kt_split_users(const struct kt_dataset *d, int folds, int fold, struct kt_dataset *rest,
			   struct kt_dataset *held);

/* Dense numbering of raw ids (open addressing). Indices are 0..n-1 in order
 * of first insertion. */
struct kt_idmap {
	int32_t *keys, *vals; /* owned; key -1 marks an empty slot */
	size_t cap, n;
	int32_t *raw; /* owned; raw[i] is the id numbered i */
};

enum eb_err kt_idmap_init(struct kt_idmap *m, size_t expect);
/* Index of `id` (>= 0), adding it when absent; EB_ENOMEM on failure. */
enum eb_err kt_idmap_add(struct kt_idmap *m, int32_t id, int32_t *index);
/* Index of `id`, or -1 when absent. */
int32_t kt_idmap_get(const struct kt_idmap *m, int32_t id);
void kt_idmap_free(struct kt_idmap *m);

#endif
