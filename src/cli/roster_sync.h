/* roster_sync.h - serve's nightly OneRoster REST sync of the saved sources
 * (`edbridge sync oneroster`, docs/oneroster_sync.md). */
#ifndef EB_CLI_ROSTER_SYNC_H
#define EB_CLI_ROSTER_SYNC_H

/* The thread body of serve's roster sync (arg: the database path, a string
 * that lives as long as the process): every ROSTER_SYNC_TICK_S seconds, each
 * enabled saved source whose hour it is in its district's time zone is
 * synced in full, once per local day (the run is recorded as "scheduled
 * sync"). Never returns. */
#define ROSTER_SYNC_TICK_S 300
void *roster_sync_main(void *arg);

#endif
