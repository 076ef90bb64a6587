/* teams_remind.h - the reminders of team action items that `serve` sends on
 * a thread of its own, and `edbridge teams remind` (docs/teams.md). */
#ifndef EB_CLI_TEAMS_REMIND_H
#define EB_CLI_TEAMS_REMIND_H

/* The thread body of serve's reminders (arg: the database path, a string
 * that lives as long as the process): every TEAMS_REMIND_TICK_S seconds,
 * emails the owners of open action items due soon or overdue, once per item
 * and day (domain/teams.h teams_remind_all). Never returns. */
#define TEAMS_REMIND_TICK_S 300
void *teams_remind_main(void *arg);

#endif
