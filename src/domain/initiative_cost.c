/* initiative_cost.c - see initiative_cost.h. */
#include "domain/initiative_cost.h"

#include <stdio.h>
#include <string.h>

#include "base/str.h"
#include "domain/initiatives.h"
#include "domain/tools.h"
#include "store/db.h"

void init_cost_compute(struct init_cost *c, const struct ev_estimate *est)
{
	c->utilization_pct = c->seats > 0 ? 100.0 * (double)c->active / (double)c->seats : -1;
	double dollars = (double)c->annual_cost_cents / 100.0;
	c->cost_per_active = c->annual_cost_cents > 0 && c->active > 0 ? dollars / (double)c->active
								       : -1;
	c->cost_per_01sd = -1;
	c->why_no_effect_cost[0] = '\0';
	if (c->cost_per_active < 0)
		str_copy(c->why_no_effect_cost, sizeof c->why_no_effect_cost,
			 c->annual_cost_cents > 0 ? "no student has used the tool yet"
						  : "the inventory records no annual cost");
	else if (!est)
		str_copy(c->why_no_effect_cost, sizeof c->why_no_effect_cost,
			 "not evaluated yet: there is no effect to price");
	else if (!est->significant || !(est->g > 0))
		str_copy(c->why_no_effect_cost, sizeof c->why_no_effect_cost,
			 "no significant positive effect: there is no effect to price");
	else
		c->cost_per_01sd = c->cost_per_active / (est->g / 0.1);
}

enum eb_err init_cost_get(struct db *db, int64_t district_id, const struct initiative *in,
			  const struct ev_estimate *est, struct init_cost *out)
{
	memset(out, 0, sizeof *out);
	out->utilization_pct = out->cost_per_active = out->cost_per_01sd = -1;
	if (in->tool_id <= 0)
		return EB_OK;
	struct tool t;
	enum eb_err e = tools_get(db, district_id, in->tool_id, &t);
	if (e == EB_ENOTFOUND)
		return EB_OK;
	if (e)
		return e;
	out->has_tool = true;
	str_copy(out->tool_name, sizeof out->tool_name, t.name);
	out->seats = t.seats;
	out->annual_cost_cents = t.annual_cost_cents;
	if ((e = db_get_int(db,
			    "SELECT count(*) FROM initiative_use WHERE district_id=?1 AND"
			    " initiative_id=?2 AND minutes > 0",
			    DB_ARGS(DB_INT(district_id), DB_INT(in->id)), &out->active)))
		return e;
	init_cost_compute(out, est);
	return EB_OK;
}
