/* families_send.h - the deliveries of `edbridge families` (send, reach,
 * settings, contact) and the weekly schedule that `serve` runs
 * (docs/family_updates.md "Delivery"). */
#ifndef EB_CLI_FAMILIES_SEND_H
#define EB_CLI_FAMILIES_SEND_H

#include <stdint.h>

struct db;

/* The subcommands; each returns the exit status (0, 1 failed, 2 usage). */
int families_send(int argc, char **argv, struct db *db, int64_t district_id);
int families_reach(int argc, char **argv, struct db *db, int64_t district_id);
int families_settings(int argc, char **argv, struct db *db, int64_t district_id);
int families_contact(int argc, char **argv, struct db *db, int64_t district_id);

/* The usage lines of the subcommands above. */
extern const char families_send_usage[];

/* The thread body of serve's family messages (arg: the database path, a
 * string that lives as long as the process): every few minutes, for each
 * district, queues the week at its send day and hour (local time) when it
 * is not queued yet, and sends what is due (the week's messages, retries).
 * Never returns. */
void *families_schedule_main(void *arg);

#endif
