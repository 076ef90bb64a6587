/* observations.h - classroom observation pages (observations.c; issue 15,
 * docs/observations.md): the list, the form, one observation (its summary,
 * the shifts across observations of the class, the rubric with evidence,
 * sharing; :id.pdf the debrief, :id.csv the marks), the live tally. */
#ifndef EB_PAGES_OBSERVATIONS_H
#define EB_PAGES_OBSERVATIONS_H

struct http_request;

void page_observations(struct http_request *req);
void page_observation_new(struct http_request *req);
void page_observation_create(struct http_request *req);
/* GET /observations/:id, /observations/:id.pdf, /observations/:id.csv */
void page_observation(struct http_request *req);
void page_observation_tally(struct http_request *req);
void page_observation_tally_post(struct http_request *req);
void page_observation_rate(struct http_request *req);
void page_observation_share(struct http_request *req);

#endif
