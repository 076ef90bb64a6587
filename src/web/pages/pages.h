/* pages.h - every page and endpoint handler, one file per page family. */
#ifndef EB_PAGES_H
#define EB_PAGES_H

struct http_request;

/* static.c */
void page_healthz(struct http_request *req);
void page_style(struct http_request *req);
void page_root(struct http_request *req);
/* login.c */
void page_login_form(struct http_request *req);
void page_login_submit(struct http_request *req);
void page_code_form(struct http_request *req);
void page_code_submit(struct http_request *req);
void page_logout(struct http_request *req);
/* home.c */
void page_home(struct http_request *req);
/* roster.c */
void page_schools(struct http_request *req);
void page_school(struct http_request *req);
void page_class(struct http_request *req);
void page_student(struct http_request *req);
/* admin.c */
void page_admin_users(struct http_request *req);
void page_admin_user_create(struct http_request *req);
void page_admin_user(struct http_request *req);
void page_admin_user_role(struct http_request *req);
void page_admin_user_code(struct http_request *req);
void page_admin_audit(struct http_request *req);
/* standards.c */
void page_standards(struct http_request *req);
void page_standard(struct http_request *req);
/* initiatives.c */
void page_initiatives(struct http_request *req);
void page_initiative_new(struct http_request *req);
void page_initiative_create(struct http_request *req);
void page_initiative(struct http_request *req);
void page_initiative_status(struct http_request *req);
void page_whats_working(struct http_request *req);
void page_whats_working_csv(struct http_request *req);

#endif
