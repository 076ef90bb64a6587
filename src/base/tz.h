/* tz.h - time zones read from the system's TZif files (RFC 8536; Debian
 * package tzdata, /usr/share/zoneinfo or $TZDIR), by this code rather than
 * through localtime_r: the C library knows one zone per process (the TZ
 * environment variable), and a server showing each district its own time
 * must not setenv(TZ) while other threads format times. A zone is read once
 * and kept for the life of the process, immutable and shared by all
 * threads. Times past a file's last transition follow its POSIX TZ rule
 * (the footer of version 2+ files: "CST6CDT,M3.2.0,M11.1.0"). */
#ifndef EB_TZ_H
#define EB_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tz;

/* True when name has the shape of an IANA zone name ("America/Chicago",
 * "UTC", "Etc/GMT+5"): 1..64 bytes of letters, digits, '/', '_', '-', '+',
 * no empty or dot-only component, no leading '/'. Says nothing about
 * whether the zone exists (tz_get does). */
bool tz_name_ok(const char *name);
/* The zone called name, read on first use; NULL when the name is not
 * tz_name_ok, or its file is missing or not a TZif file. "UTC" always
 * answers (built in when the file is missing). Thread-safe. The zone lives
 * until the process ends. */
const struct tz *tz_get(const char *name);
/* UTC, built in (never NULL). */
const struct tz *tz_utc(void);
/* The zone's name as asked for. */
const char *tz_name(const struct tz *z);
/* The offset from UTC (seconds east) in effect at t (Unix seconds), and
 * the abbreviation for it ("CDT"; may be NULL). */
int32_t tz_offset(const struct tz *z, int64_t t, const char **abbr);
/* t as local time in z: "YYYY-MM-DD HH:MM ABBR" into out (cap >= 32 is
 * enough; always terminated). */
void tz_format(const struct tz *z, int64_t t, char *out, size_t cap);

#endif
