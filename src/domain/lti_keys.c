/* lti_keys.c - edbridge's LTI platform keys (see lti.h). The signing and
 * sealing come with jose.h and vault.h (h16-sso): until then every call
 * answers EB_ENOTSUP. */
#include "domain/lti.h"

enum eb_err lti_key_rotate(struct db *db, int64_t now, int64_t grace_s, char *kid_out)
{
	return EB_ENOTSUP;
}

enum eb_err lti_key_current(struct db *db, int64_t now, char kid[LTI_KID_MAX + 1],
			    unsigned char **der, size_t *der_len)
{
	return EB_ENOTSUP;
}

enum eb_err lti_jwks(struct db *db, int64_t now, struct buf *out)
{
	buf_puts(out, "{\"keys\":[]}");
	return EB_OK;
}

enum eb_err lti_key_list(struct db *db, struct arena *a, struct lti_key_row **rows, size_t *n)
{
	*n = 0;
	*rows = NULL;
	return EB_OK;
}
