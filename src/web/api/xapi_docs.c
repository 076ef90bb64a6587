/* The xAPI document resources (State, Activity Profile, Agent Profile), the
 * Activities and Agents resources: HTTP in, ingest/xapi_docs.h's rules, HTTP
 * out. */
#include "ingest/xapi.h"
#include "web/api/ingest.h"
#include "web/http.h"
#include "web/pages/pages.h"

static void not_yet(struct http_request *req)
{
	int64_t district, tool;
	if (api_xapi_auth(req, &district, &tool))
		api_xapi_unsupported(req);
}

void api_xapi_state(struct http_request *req)
{
	not_yet(req);
}

void api_xapi_activity_profile(struct http_request *req)
{
	not_yet(req);
}

void api_xapi_agent_profile(struct http_request *req)
{
	not_yet(req);
}

void api_xapi_activities(struct http_request *req)
{
	not_yet(req);
}

void api_xapi_agents(struct http_request *req)
{
	not_yet(req);
}
