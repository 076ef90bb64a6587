/* data_scope.h - the district's data-sharing scopes per tool: which roster
 * fields and which data edbridge may send to (or accept from) a tool. They
 * are the district's promise to families (the NDPA exhibit): every outbound
 * path asks data_scope_allows() before it puts an element in a message - the
 * LTI id_token's LIS, name and email claims (domain/lti), Names and Role
 * Provisioning Services (domain/lti_services), Assignment and Grade Services
 * scopes, and any export made for a tool.
 *
 * A tool with no scope receives only what LTI itself requires: a
 * pseudonymous user id, LTI roles, the context (class) and resource link
 * ids. docs/lti_services.md maps the NDPA exhibit's data elements to these.
 *
 * Every change is audited with the scopes before and after (subject
 * "tool_scope", the tool id). Scoped by district: a tool of another district
 * answers EB_ENOTFOUND. */
#ifndef EB_DATA_SCOPE_H
#define EB_DATA_SCOPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "domain/audit.h"

struct db;
struct account;

/* The elements, in the order the scopes page lists them. Roster fields first,
 * then data. Stored by name (data_scope_name), so the numbers may change. */
enum data_scope_element {
	DATA_SCOPE_NAME,       /* given and family name (LTI name claims, NRPS name) */
	DATA_SCOPE_EMAIL,      /* email address */
	DATA_SCOPE_STUDENT_ID, /* the district's person id (LIS person_sourcedid) */
	DATA_SCOPE_SCHOOL,     /* the school of the class */
	DATA_SCOPE_GRADE,      /* grade level */
	DATA_SCOPE_CLASS,      /* class title and course (LTI context title/label) */
	DATA_SCOPE_MEMBERSHIP, /* the class list (NRPS) */
	DATA_SCOPE_SCORES,     /* the tool may send scores and read them back (AGS) */
	DATA_SCOPE__COUNT
};

/* Stored and form name ("student_id"); NULL out of range. */
const char *data_scope_name(enum data_scope_element e);
/* Words for people ("Student's district id"); NULL out of range. */
const char *data_scope_label(enum data_scope_element e);
/* One sentence on what granting it sends; NULL out of range. */
const char *data_scope_help(enum data_scope_element e);
/* True for roster fields (name .. class), false for data. */
bool data_scope_is_roster(enum data_scope_element e);
/* Parses a stored name (exact). */
bool data_scope_parse(const char *s, enum data_scope_element *out);

/* Whether the district lets the tool receive element e. Fails closed: an
 * unknown tool, another district's tool, an element out of range or a
 * database error all answer false. Safe on any thread's connection. */
bool data_scope_allows(struct db *db, int64_t district_id, int64_t tool_id,
		       enum data_scope_element e);

/* The tool's granted elements as a mask, bit (1u << element). EB_ENOTFOUND
 * when the tool is not in the district. */
enum eb_err data_scope_get(struct db *db, int64_t district_id, int64_t tool_id, unsigned *mask);

/* Replaces the tool's scopes with mask (bits past DATA_SCOPE__COUNT are
 * EB_EINVAL) and records an audit entry "scopes: before -> after" naming
 * the elements; no change, no entry. Writes in its own transaction unless
 * the caller holds one. EB_ENOTFOUND when the tool is not in the district. */
enum eb_err data_scope_set(struct db *db, int64_t district_id, int64_t tool_id, unsigned mask,
			   const struct audit_actor *who);

/* Who may change scopes: district admin, coordinator, IT staff. Staff who
 * may see the tool page may read them. */
bool data_scope_can_edit(const struct account *a);

/* Writes the names of mask's elements, comma separated ("none" when empty),
 * into out. */
void data_scope_describe(unsigned mask, char *out, size_t cap);

#endif
