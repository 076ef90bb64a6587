#include "base/err.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const eb_err_text[EB_ERR__COUNT] = {
	[EB_OK] = "ok",
	[EB_ENOMEM] = "out of memory",
	[EB_EINVAL] = "invalid input",
	[EB_ENOTFOUND] = "not found",
	[EB_EEXIST] = "already exists",
	[EB_EIO] = "input/output error",
	[EB_EDB] = "database error",
	[EB_ETOOBIG] = "input too large",
	[EB_EPARSE] = "parse error",
	[EB_EPERM] = "permission denied",
	[EB_ECONFLICT] = "conflict",
	[EB_EAUTH] = "authentication failed",
	[EB_EBUSY] = "too many attempts, try again later",
	[EB_ENOTSUP] = "not supported",
	[EB_EUNAVAIL] = "the database is not available now; try again shortly",
};

const char *eb_strerror(enum eb_err rc)
{
	if ((unsigned)rc >= EB_ERR__COUNT || !eb_err_text[rc])
		return "unknown error";
	return eb_err_text[rc];
}

enum eb_err eb_say(char *why, size_t cap, enum eb_err rc, const char *fmt, ...)
{
	if (why && cap) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, cap, fmt, ap);
		va_end(ap);
	}
	return rc;
}
