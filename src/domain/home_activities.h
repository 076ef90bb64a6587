/* home_activities.h - the at-home library: short activities a family can do
 * at home for each CCSS-M cluster (K-8 and the high-school clusters of the
 * catalog), in our own words, with what every home has (cooking, shopping,
 * games; nothing to buy). The library is data/home/activities.tsv, compiled
 * into the binary; each activity names the clusters it fits. Titles and
 * texts are English msgids: TR(lang, a->title) gives them in a family's
 * language (po/LANG.po). Read-only after the first call; thread-safe. */
#ifndef EB_HOME_ACTIVITIES_H
#define EB_HOME_ACTIVITIES_H

#include <stddef.h>

#include "base/err.h"

#define HOME_ACTIVITY_MAX_CLUSTERS 12

struct home_activity {
	const char *id;					  /* "fraction-food" */
	const char *title;				  /* English, a few words */
	const char *text;				  /* English, two to four sentences */
	const char *clusters[HOME_ACTIVITY_MAX_CLUSTERS]; /* catalog cluster codes */
	size_t nclusters;
};

/* Loads the library (once): EB_OK, or EB_EPARSE for a malformed file (a
 * line without four fields, too many clusters) and EB_ENOMEM. The other
 * functions answer as for an empty library after a failure. */
enum eb_err home_activities_load(void);
/* How many activities, and the i-th (file order); NULL past the end. */
size_t home_activities_count(void);
const struct home_activity *home_activities_at(size_t i);
/* The activity for a cluster (its code, "3.NF.A"), or for the cluster of a
 * standard or substandard code ("3.NF.A.1"): the pick-th of those that fit
 * it (pick wraps around, so a week number varies the activity). NULL when
 * none fits or the code is not in the catalog. */
const struct home_activity *home_activity_for(const char *code, size_t pick);

#endif
