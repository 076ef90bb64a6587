/* case_refetch.c - a saved CASE provider fetched and imported again
 * (case_refetch.h). */
#include "ingest/case_refetch.h"

#include <stdio.h>

#include "domain/vault.h"

enum eb_err case_refetch(struct db *db, int64_t district_id, const struct case_provider_row *p,
			 const char *ca_file, int64_t actor_account_id, int64_t now,
			 struct case_pkg_result *res, struct buf *errs, char *why, size_t whycap)
{
	struct buf secret, pkg;
	buf_init(&secret, 8192);
	buf_init(&pkg, CASE_PKG_MAX_BYTES);
	struct case_provider_auth auth;
	why[0] = '\0';
	enum eb_err rc = case_provider_auth_of(db, district_id, p, ca_file, &secret, &auth);
	if (rc) {
		snprintf(why, whycap,
			 "the provider's client secret cannot be unsealed (%s: the vault's key "
			 "file, docs/security.md)",
			 eb_strerror(rc));
		goto out;
	}
	if ((rc = case_provider_fetch(p->package_url, &auth, &pkg, why, whycap)))
		goto out;
	rc = case_pkg_import(db, district_id, pkg.len ? buf_cstr(&pkg) : "", pkg.len,
			     p->package_url, actor_account_id, now, res, errs);
	if (rc) {
		snprintf(why, whycap, "the package was refused; nothing was changed");
		goto out;
	}
	if ((rc = case_provider_fetched(db, district_id, p->id, res->framework_id, now)))
		snprintf(why, whycap, "the framework was imported but the fetch was not recorded");
out:
	vault_wipe(&secret);
	vault_wipe(&pkg);
	return rc;
}
