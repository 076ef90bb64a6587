/* home.h - the reads behind each person's home page, "what needs me
 * today?": a teacher's classes with the students needing attention in the
 * current unit and each tool's data; the tools whose data stopped or goes to
 * the quarantine; the initiatives waiting for a decision; a school's tools;
 * the district administrator's loose ends. Read only: home.c reads the
 * tables of other rooms (roster, tools, activity, mastery, initiatives,
 * accounts, audit) through short queries sized for a large district (no
 * scan of a district's events or estimates: those are read per class, or
 * from the summaries their rooms keep). Every call takes the district id;
 * strings and arrays live in the caller's arena. */
#ifndef EB_HOME_H
#define EB_HOME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/district.h"

struct arena;
struct db;

/* Quiet days after which an approved tool's data counts as stopped. */
#define HOME_QUIET_DAYS 3
/* The current unit of a class: the cluster its students' evidence was on
 * most in the last HOME_UNIT_DAYS days of it. */
#define HOME_UNIT_DAYS 14
/* Students listed by name per class (the rest are counted). */
#define HOME_NAMES_MAX 5

struct home_student {
	const char *sid, *given, *family;
	int not_yet, approaching; /* measured standards of the unit at each level */
};

struct home_class_tool {
	int64_t tool_id;
	const char *name;
	int64_t students;      /* of the class with evidence or use from the tool */
	int64_t last_activity; /* latest of it (when the students worked; Unix s) */
	int64_t last_received; /* the tool's latest receipt of any data (district) */
};

struct home_class {
	const char *sid, *title, *grades, *school_sid;
	int64_t students;	    /* enrolled */
	const char *unit;	    /* cluster code ("5.NF.B"); NULL: no evidence yet */
	const char *unit_heading;   /* the catalog's plain wording of it, or NULL */
	int64_t attention;	    /* students with a measured Not yet in the unit */
	int64_t measured;	    /* students with a measured estimate in the unit */
	struct home_student *needs; /* the first HOME_NAMES_MAX of them, most gaps first */
	size_t nneeds;
	struct home_class_tool *tools; /* most students first */
	size_t ntools;
	int64_t last_activity; /* latest evidence of the class, any tool */
};

/* The classes person teacher_sid teaches (roster enrollments), by title,
 * each with its unit, students needing attention and tools. lv: the
 * district's mastery levels (Not yet below lv->approaching). */
enum eb_err home_teacher_classes(struct db *db, int64_t district_id, const char *teacher_sid,
				 const struct district_levels *lv, struct arena *a,
				 struct home_class **out, size_t *n);

enum home_tool_problem {
	HOME_TOOL_OK,
	HOME_TOOL_NEVER,   /* approved, nothing received yet */
	HOME_TOOL_STOPPED, /* approved, nothing received for HOME_QUIET_DAYS days */
};

struct home_tool {
	int64_t id;
	const char *name, *status; /* status: tools' stored name */
	int64_t last_received;	   /* 0: never */
	int32_t last_activity_day; /* latest day (UTC, days since the epoch) with events; 0: none */
	int64_t events_7d, quarantined_7d; /* by the day the activity happened (UTC) */
	int64_t quarantined;		   /* all kept aside, waiting for a roster match or a map */
	int64_t credentials;		   /* active xAPI and Caliper credentials */
	int64_t credentials_unused;	   /* of them never used */
	enum home_tool_problem problem;
	bool request; /* requested or under review: a decision waits */
};

/* Every tool of the district with its data health as of now (Unix s), by
 * name. only_tool > 0: that tool alone. champion_id > 0: only the tools
 * whose support row names that account as a school's tech champion. */
enum eb_err home_tools(struct db *db, int64_t district_id, int64_t now, int64_t only_tool,
		       int64_t champion_id, struct arena *a, struct home_tool **out, size_t *n);

struct home_tool_day {
	int32_t day; /* days since the epoch (UTC) */
	int64_t events, quarantined;
};
/* A tool's last `days` days (1..60) to today (now), oldest first, one row
 * per day (zeros where nothing arrived), into out[days]. */
enum eb_err home_tool_days(struct db *db, int64_t district_id, int64_t tool_id, int64_t now,
			   int days, struct home_tool_day *out);

struct home_school_tool {
	int64_t id;
	const char *name, *status;
	int64_t students; /* of the school the tool's data was matched to */
};
/* The tools used at a school (students enrolled in its classes the tool's
 * data matched), most students first; *enrolled: the school's students. */
enum eb_err home_school_tools(struct db *db, int64_t district_id, const char *school_sid,
			      struct arena *a, struct home_school_tool **out, size_t *n,
			      int64_t *enrolled);

struct home_initiative {
	int64_t id;
	const char *title, *status, *review_date; /* status: stored name */
	bool overdue;				  /* piloting or scaling past its review date */
	const char *part; /* the viewer's named part ("builds the quiz"), or NULL */
};
/* Initiatives waiting for a decision as of today (days since the epoch):
 * under review, or piloting or scaling past the review date; newest first.
 * school_sid: only those targeting that school (or every school). */
enum eb_err home_initiatives_waiting(struct db *db, int64_t district_id, int32_t today,
				     const char *school_sid, struct arena *a,
				     struct home_initiative **out, size_t *n);
/* Initiatives, not stopped, that name account_id in one of their parts (who
 * builds the quiz, monitors, evaluates, supports teachers, talks with
 * families), newest first, part set. */
enum eb_err home_initiatives_of(struct db *db, int64_t district_id, int64_t account_id,
				struct arena *a, struct home_initiative **out, size_t *n);

struct home_admin {
	int64_t schools, classes;
	int64_t last_import_at; /* the latest roster import (0: none) */
	bool last_import_ok;
	int64_t locked_accounts; /* locked after too many failed password checks */
	int64_t tools_waiting;	 /* requested or under review */
};
/* The district administrator's loose ends. */
enum eb_err home_admin_facts(struct db *db, int64_t district_id, struct home_admin *out);

#endif
