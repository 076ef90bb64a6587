/* champions.h - likely tech champions found from the data, per school and
 * tool, with their reasons in words; and the principal's confirmation,
 * which grants the tech_champion role at the school and sets the tool's
 * support matrix row (docs/trainings.md "Champions").
 *
 * A teacher is suggested for a school and tool when
 *   - their classes used the tool steadily: students of their classes sent
 *     the tool's data in CHAMPION_STEADY_WEEKS or more of the last
 *     CHAMPION_WEEKS weeks, and their students gained on a standard the
 *     tool targets (the share of correct answers in the second half of
 *     those weeks is CHAMPION_MIN_GAIN or more above the first half's, with
 *     CHAMPION_MIN_RESPONSES or more answers in each half: local evidence,
 *     not a test of the tool), or
 *   - they resolved tickets of that tool at that school (a teacher's or
 *     tech champion's account, marked resolved in the last 26 weeks).
 * Suggestions are listed by school, tool and name - never ranked - and are
 * for the school's principal, IT and the coordinator only. */
#ifndef EB_CHAMPIONS_H
#define EB_CHAMPIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

#define CHAMPION_WEEKS 10
#define CHAMPION_STEADY_WEEKS 6
#define CHAMPION_MIN_RESPONSES 20
#define CHAMPION_MIN_GAIN 0.05
#define CHAMPION_MAX_GAINS 3

/* Who may see suggestions: IT staff and the coordinator (every school),
 * a principal (their schools). */
bool champions_can_view(const struct account *a);
/* Whether a may see the suggestions of school_sid. */
bool champions_can_view_school(const struct account *a, const char *school_sid);
/* Who confirms: the principal of school_sid. */
bool champions_can_confirm(const struct account *a, const char *school_sid);

struct champion_gain {
	const char *standard;
	double before, after; /* share correct, 0..1 */
};

struct champion_suggestion {
	const char *school_sid, *school_name, *tool_name, *teacher_sid, *name;
	int64_t tool_id, account_id; /* account 0: the teacher has no sign-in */
	int weeks_active;	     /* of CHAMPION_WEEKS */
	int ngains;
	struct champion_gain gains[CHAMPION_MAX_GAINS];
	int resolved;	     /* tickets of the tool at the school they resolved */
	bool champion;	     /* already the school's champion for the tool */
	const char *reasons; /* champions_reasons, in the arena */
};

/* The suggestions for one school (NULL: every school) and one tool (0:
 * every tool), by school, tool and name. The CHAMPION_WEEKS weeks end with
 * the district's latest day of tool data (tool_day), or now when that is
 * later (a summer break does not empty the list). Arrays in arena. */
enum eb_err champions_suggest(struct db *db, int64_t district_id, const char *school_sid,
			      int64_t tool_id, int64_t now, struct arena *a,
			      struct champion_suggestion **rows, size_t *n);

/* Pure: the reasons in words, "used it 9 of the last 10 weeks; students
 * gained on 6.RP.A.3 (62% to 78% correct); resolved 4 tickets". */
void champions_reasons(const struct champion_suggestion *s, struct buf *out);

/* Pure: whether the evidence makes a suggestion (the rule above). */
bool champions_qualifies(const struct champion_suggestion *s);

/* The principal confirms account_id as the champion of tool_id at
 * school_sid: grants the tech_champion role scoped to the school when the
 * account lacks it, and sets the support matrix row (keeping its notes),
 * both audited, in one transaction. EB_EINVAL (why) when the account is not
 * an active sign-in of the district holding the teacher or tech_champion
 * role (never a family's, a student's or a vendor's), or the school is not
 * the district's; EB_ENOTFOUND for a tool not in the district. */
enum eb_err champions_confirm(struct db *db, int64_t district_id, int64_t tool_id,
			      const char *school_sid, int64_t account_id,
			      const struct audit_actor *who, char *why, size_t cap);

#endif
