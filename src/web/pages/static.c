/* Static assets, health check and the root redirect. */
#include <string.h>

#include "base/embed.h"
#include "store/db.h"
#include "web/http.h"
#include "web/pages/pages.h"

void page_healthz(struct http_request *req)
{
	bool ok = db_ping(req->db);
	req->status = ok ? 200 : 503;
	req->content_type = "application/json";
	buf_printf(&req->out, "{\"status\":\"%s\",\"schema_version\":%d}",
		   ok ? "ok" : "database unavailable", db_schema_version(req->db));
	req->no_cache = true;
}

void page_style(struct http_request *req)
{
	const struct embed_file *f = embed_find("src/web/assets/style.css");
	if (!f) {
		http_text(req, 404, "missing stylesheet\n");
		return;
	}
	req->content_type = "text/css; charset=utf-8";
	http_set_header(req, "Cache-Control", "public, max-age=3600");
	buf_put(&req->out, f->data, f->len);
}

void page_root(struct http_request *req)
{
	http_redirect(req, req->session ? "/home" : "/login");
}
