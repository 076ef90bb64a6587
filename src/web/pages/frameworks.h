/* frameworks.h - the district's standards frameworks (frameworks.c; issue 17,
 * docs/case.md): the list with crosswalk coverage and the primary choice,
 * one framework's items tree, a CASE package upload. */
#ifndef EB_PAGES_FRAMEWORKS_H
#define EB_PAGES_FRAMEWORKS_H

struct http_request;

/* GET /frameworks */
void page_frameworks(struct http_request *req);
/* GET /frameworks/:id */
void page_framework(struct http_request *req);
/* POST /frameworks/primary (framework=ID, 0 for the Common Core; audited) */
void page_frameworks_primary(struct http_request *req);
/* POST /frameworks/import (multipart, file=CFPackage JSON; audited) */
void page_frameworks_import(struct http_request *req);

/* POST /frameworks/providers/:id/fetch (a saved CASE provider's package
 * fetched and imported again; admin/coordinator; audited) */
void page_frameworks_provider_fetch(struct http_request *req);

#endif
