/* err.h - the one error convention of edbridge.
 *
 * Every function that can fail returns enum eb_err; results travel through
 * out-parameters. EB_OK is zero so `if (rc)` reads as "failed". */
#ifndef EB_ERR_H
#define EB_ERR_H

#include <stddef.h>

enum eb_err {
	EB_OK = 0,
	EB_ENOMEM,    /* allocation failed or a buffer cap was reached */
	EB_EINVAL,    /* the caller or the user passed something malformed */
	EB_ENOTFOUND, /* the thing asked for does not exist (or is not visible) */
	EB_EEXIST,    /* a unique thing already exists */
	EB_EIO,	      /* reading or writing a file failed */
	EB_EDB,	      /* the database reported an error */
	EB_ETOOBIG,   /* input exceeded a hard limit */
	EB_EPARSE,    /* input could not be parsed */
	EB_EPERM,     /* the role or tenant may not do this */
	EB_ECONFLICT, /* the request conflicts with stored state */
	EB_EAUTH,     /* authentication failed */
	EB_EBUSY,     /* rate limited or locked */
	EB_ENOTSUP,   /* a thing this version does not do (yet) */
	/* the database cannot be reached now (PostgreSQL down or restarting,
	 * the connection lost): nothing of the request was stored; the web
	 * layer answers 503 with Retry-After (http_unavailable), and the
	 * connection reconnects by itself on a later statement */
	EB_EUNAVAIL,
	EB_ERR__COUNT
};

/* A short, stable English phrase for rc; never NULL. */
const char *eb_strerror(enum eb_err rc);

/* Writes the printf-style reason into why (cap bytes; nothing when why is
 * NULL or cap 0) and returns rc: `return eb_say(why, cap, EB_EINVAL, ...)`. */
enum eb_err eb_say(char *why, size_t cap, enum eb_err rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
