/* mastery_cache.c - the online update's context (see mastery_cache.h). */
#include "domain/mastery_cache.h"

#include <stdlib.h>
#include <string.h>

#include "domain/frameworks.h"
#include "store/db.h"

/* ---- the context ------------------------------------------------------ */

static const char ctx_key = 0; /* its address names the context among db_attach's */

static void wb_reset(struct mastery_wb *wb)
{
	for (size_t i = 0; i < wb->cap; i++) {
		free(wb->tab[i].student);
		free(wb->tab[i].measured);
	}
	free(wb->tab);
	wb->tab = NULL;
	wb->cap = wb->n = 0;
	wb->fit_d = wb->fitted = 0;
}

void mastery_ctx_forget_models(struct mastery_ctx *mc)
{
	for (int i = 0; i < MASTERY_CTX_MODELS; i++) {
		mastery_free(mc->models[i].m);
		arena_free(&mc->models[i].la);
		memset(&mc->models[i], 0, sizeof mc->models[i]);
	}
}

/* db_close's: the transaction is rolled back by then (wb emptied). */
static void ctx_free(void *obj)
{
	struct mastery_ctx *mc = obj;
	mastery_ctx_forget_models(mc);
	wb_reset(&mc->wb);
	free(mc);
}

struct mastery_ctx *mastery_ctx_find(struct db *db)
{
	return db_attached(db, &ctx_key);
}

enum eb_err mastery_ctx_of(struct db *db, struct mastery_ctx **out)
{
	struct mastery_ctx *mc = db_attached(db, &ctx_key);
	if (!mc) {
		if (!(mc = calloc(1, sizeof *mc))) {
			*out = NULL;
			return EB_ENOMEM;
		}
		mc->db = db;
		enum eb_err rc = db_attach(db, &ctx_key, mc, ctx_free);
		if (rc) {
			free(mc);
			*out = NULL;
			return rc;
		}
	}
	*out = mc;
	return EB_OK;
}

/* ---- decoded models --------------------------------------------------- */

enum eb_err mastery_ctx_model(struct mastery_ctx *mc, int64_t district_id, int64_t fitted_at,
			      const struct mastery_model **out)
{
	*out = NULL;
	struct mastery_model_slot *victim = &mc->models[0];
	for (int i = 0; i < MASTERY_CTX_MODELS; i++) {
		struct mastery_model_slot *s = &mc->models[i];
		if (s->used && s->district_id == district_id) {
			if (s->fitted_at == fitted_at) {
				s->used = ++mc->clock;
				*out = s->m;
				return EB_OK;
			}
			victim = s;
			break;
		}
		if (s->used < victim->used)
			victim = s;
	}
	mastery_free(victim->m);
	arena_free(&victim->la);
	memset(victim, 0, sizeof *victim);
	arena_init(&victim->la);
	struct mastery_model *m = NULL;
	if (fitted_at) {
		enum eb_err rc = mastery_model_read(mc->db, district_id, &m);
		if (rc)
			return rc == EB_ENOTFOUND ? EB_EDB : rc;
	}
	/* no links (a store error) only loses the district's additions */
	if (frameworks_links_load(mc->db, district_id, &victim->la, &victim->links))
		victim->links = NULL;
	victim->district_id = district_id;
	victim->fitted_at = fitted_at;
	victim->m = m;
	victim->used = ++mc->clock;
	*out = m;
	return EB_OK;
}

const struct frameworks_links *mastery_ctx_links(struct mastery_ctx *mc, int64_t district_id)
{
	for (int i = 0; i < MASTERY_CTX_MODELS; i++)
		if (mc->models[i].used && mc->models[i].district_id == district_id)
			return mc->models[i].links;
	return NULL;
}

/* ---- student rows written back at commit ------------------------------ */

/* Writes every cached row through the connection and empties the table
 * (it stays armed). */
static enum eb_err wb_flush(struct mastery_ctx *mc)
{
	struct mastery_wb *wb = &mc->wb;
	enum eb_err rc = EB_OK;
	for (size_t i = 0; i < wb->cap && !rc; i++) {
		struct mastery_wb_row *r = &wb->tab[i];
		if (r->student)
			rc = mastery_student_write(mc->db, r->district_id, r->student, &r->ss,
						   r->measured, r->nmeasured, r->exists);
	}
	wb_reset(wb);
	return rc;
}

static enum eb_err wb_commit(struct db *db, void *ctx)
{
	struct mastery_ctx *mc = ctx;
	(void)db;
	enum eb_err rc = wb_flush(mc);
	mc->wb.armed = false;
	return rc;
}

static void wb_rollback(void *ctx)
{
	struct mastery_ctx *mc = ctx;
	wb_reset(&mc->wb);
	mc->wb.armed = false;
}

bool mastery_wb_arm(struct mastery_ctx *mc)
{
	if (mc->wb.armed)
		return true;
	if (!db_in_transaction(mc->db) || db_before_commit(mc->db, wb_commit, wb_rollback, mc))
		return false;
	mc->wb.armed = true;
	return true;
}

uint32_t mastery_wb_hash(int64_t district_id, const char *student)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const char *s = student; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return h ^ (uint32_t)district_id;
}

/* The row's slot, or the empty slot where it would go (cap > 0). */
static struct mastery_wb_row *wb_slot(struct mastery_wb *wb, int64_t d, const char *student,
				      uint32_t h)
{
	for (size_t i = h & (wb->cap - 1);; i = (i + 1) & (wb->cap - 1)) {
		struct mastery_wb_row *r = &wb->tab[i];
		if (!r->student)
			return r;
		if (r->hash == h && r->district_id == d && strcmp(r->student, student) == 0)
			return r;
	}
}

struct mastery_wb_row *mastery_wb_find(struct mastery_ctx *mc, int64_t district_id,
				       const char *student, uint32_t hash)
{
	if (!mc->wb.cap)
		return NULL;
	struct mastery_wb_row *r = wb_slot(&mc->wb, district_id, student, hash);
	return r->student ? r : NULL;
}

enum eb_err mastery_wb_put(struct mastery_ctx *mc, struct mastery_wb_row *row, int64_t district_id,
			   const char *student, uint32_t hash, bool exists,
			   const struct mastery_student_state *ss,
			   const struct mastery_measured *ms, bool *kept)
{
	struct mastery_wb *wb = &mc->wb;
	enum eb_err rc;
	size_t need = mastery_measured_len(ms);
	*kept = false;
	if (row) {
		if (need > row->capmeasured) {
			uint8_t *nb = realloc(row->measured, 2 * need);
			if (!nb)
				return EB_ENOMEM;
			row->measured = nb;
			row->capmeasured = 2 * need;
		}
		memcpy(row->measured, ms->b, need);
		row->nmeasured = need;
		row->ss = *ss;
		*kept = true;
		return EB_OK;
	}
	if (wb->n + 1 > MASTERY_WB_MAX && (rc = wb_flush(mc)))
		return rc;
	if (2 * (wb->n + 1) > wb->cap) {
		size_t ncap = wb->cap ? 2 * wb->cap : 64, ocap = wb->cap;
		struct mastery_wb_row *old = wb->tab, *nt = calloc(ncap, sizeof *nt);
		if (!nt)
			return EB_ENOMEM;
		wb->tab = nt;
		wb->cap = ncap;
		for (size_t i = 0; i < ocap; i++) {
			struct mastery_wb_row *o = &old[i];
			if (o->student)
				*wb_slot(wb, o->district_id, o->student, o->hash) = *o;
		}
		free(old);
	}
	size_t len = strlen(student) + 1;
	size_t cap = need < 256 ? 256 : 2 * need;
	char *name = malloc(len);
	uint8_t *meas = malloc(cap);
	if (!name || !meas) {
		free(name);
		free(meas);
		return EB_ENOMEM;
	}
	memcpy(name, student, len);
	row = wb_slot(wb, district_id, student, hash);
	*row = (struct mastery_wb_row){ .student = name,
					.district_id = district_id,
					.hash = hash,
					.exists = exists,
					.ss = *ss,
					.measured = meas,
					.capmeasured = cap };
	memcpy(meas, ms->b, need);
	row->nmeasured = need;
	wb->n++;
	*kept = true;
	return EB_OK;
}
