/* tickets_sweep.h - the SLA sweep of support tickets that `serve` runs every
 * minute, and `edbridge tickets` (docs/support.md). */
#ifndef EB_CLI_TICKETS_SWEEP_H
#define EB_CLI_TICKETS_SWEEP_H

/* The thread body of serve's ticket sweep (arg: the database path, a string
 * that lives as long as the process): every TICKETS_SWEEP_TICK_S seconds,
 * escalates the tickets whose target passed and sends the queued email
 * notices (domain/ticket.h ticket_sweep). Never returns. */
#define TICKETS_SWEEP_TICK_S 60
void *tickets_sweep_main(void *arg);

#endif
