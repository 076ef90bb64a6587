/* district.h - tenants. Every other table hangs off a district id. */
#ifndef EB_DISTRICT_H
#define EB_DISTRICT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct db;

struct district_levels {
	double approaching, proficient, mastered; /* probability thresholds */
};

/* Creates a district; EB_EINVAL for an empty or over-long (200) name. */
enum eb_err district_create(struct db *db, const char *name, int64_t *id);
bool district_exists(struct db *db, int64_t id);
/* The single district of a one-district deployment: EB_ENOTFOUND when there
 * is none, EB_ECONFLICT when there are several. */
enum eb_err district_only(struct db *db, int64_t *id);
/* Copies the name into out (cap bytes). */
enum eb_err district_name(struct db *db, int64_t id, char *out, size_t cap);
/* Ids of every district, ascending, up to cap; returns how many exist. */
size_t district_all(struct db *db, int64_t *ids, size_t cap);
enum eb_err district_levels(struct db *db, int64_t id, struct district_levels *out);

/* The time zone the district's pages show times in: an IANA name (base/tz.h),
 * DISTRICT_TIME_ZONE_DEFAULT until one is set. */
#define DISTRICT_TIME_ZONE_DEFAULT "America/Chicago"
#define DISTRICT_TIME_ZONE_MAX 65
/* Copies the name into out (cap bytes). EB_ENOTFOUND for no such district. */
enum eb_err district_time_zone(struct db *db, int64_t id, char *out, size_t cap);
/* Sets it: EB_EINVAL when name is not a zone this machine knows (tz_get),
 * EB_ENOTFOUND for no such district. */
enum eb_err district_set_time_zone(struct db *db, int64_t id, const char *name);

#endif
