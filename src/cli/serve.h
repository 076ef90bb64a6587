/* serve.h - run the web server in the foreground (used by serve and demo). */
#ifndef EB_CLI_SERVE_H
#define EB_CLI_SERVE_H

#include <stdbool.h>

/* Listens, prints "listening: URL", calls ready(port, ctx) if given, and
 * serves until SIGINT/SIGTERM. Returns the exit status. */
int serve_run(const char *db_path, const char *bind, int port, int threads, bool quiet_log,
	      void (*ready)(int port, void *ctx), void *ctx);

#endif
