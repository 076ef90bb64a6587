/* tools.c - writers of the simulated tools' records (see tools.h). Every
 * string written is built from ids, codes and fixed names (ASCII without
 * quotes or backslashes), so no JSON or CSV escaping is needed. */
#include "sim/tools.h"

#include <stdio.h>
#include <string.h>

#include "base/rng.h"
#include "base/timeutil.h"

static const char *const item_prefix[SIM_TOOL_COUNT] = { "nw", "mv", "sw", "qc", "fb" };

static uint64_t mix3(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a ^ (b * 0x9e3779b97f4a7c15ULL) ^ (c * 0xd6e8feb86659fd93ULL);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

size_t sim_tool_records(const struct sim_learning *l, enum sim_tool_id t)
{
	size_t n;
	sim_learning_events(l, t, &n);
	return n;
}

void sim_tool_record_uuid(const struct sim_learning *l, enum sim_tool_id t, size_t i, char out[37])
{
	const struct sim_params *dp = sim_district_params(sim_learning_district(l));
	struct rng r;
	rng_seed(&r, mix3(dp->seed, sim_learning_params(l)->seed * 31 + (uint64_t)t, i));
	uint64_t a = rng_next(&r), b = rng_next(&r);
	a = (a & ~0xF000ULL) | 0x4000ULL;	    /* version 4 */
	b = (b & ~(0xCULL << 60)) | (0x8ULL << 60); /* variant 10xx */
	snprintf(out, 37, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
		 (unsigned)((a >> 16) & 0xFFFF), (unsigned)(a & 0xFFFF), (unsigned)(b >> 48),
		 (unsigned long long)(b & 0xFFFFFFFFFFFFULL));
}

void sim_tool_item_id(enum sim_tool_id t, size_t standard_index, unsigned item, char out[48])
{
	const struct standard *s = standards_at(standard_index);
	snprintf(out, 48, "%s-%s-%02u", item_prefix[(unsigned)t < SIM_TOOL_COUNT ? t : 0],
		 s ? s->code : "unknown", item + 1);
}

static void put_iso(struct buf *b, int64_t t, bool millis)
{
	char iso[32];
	time_format_iso(t, iso); /* YYYY-MM-DDTHH:MM:SSZ */
	if (millis) {
		size_t n = strlen(iso);
		if (n)
			iso[n - 1] = '\0';
		buf_printf(b, "%s.000Z", iso);
	} else {
		buf_puts(b, iso);
	}
}

static void put_duration(struct buf *b, int seconds)
{
	int h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60;
	buf_puts(b, "PT");
	if (h)
		buf_printf(b, "%dH", h);
	if (m)
		buf_printf(b, "%dM", m);
	if (s || (!h && !m))
		buf_printf(b, "%dS", s);
}

/* "3.NF.A.3a" -> "http://corestandards.org/Math/Content/3/NF/A/3/a/" */
static void put_corestandards_url(struct buf *b, const char *code)
{
	buf_puts(b, "http://corestandards.org/Math/Content/");
	for (const char *p = code; *p; p++) {
		if (*p == '.')
			buf_putc(b, '/');
		else if (*p >= 'a' && *p <= 'z' && p > code && p[-1] >= '0' && p[-1] <= '9') {
			buf_putc(b, '/');
			buf_putc(b, *p);
		} else
			buf_putc(b, *p);
	}
	buf_putc(b, '/');
}

static const struct sim_student *student_of(const struct sim_learning *l, int32_t s)
{
	size_t n;
	return &sim_students(sim_learning_district(l), &n)[s];
}

/* ---- xAPI ---- */

static void xapi_actor(const struct sim_learning *l, const struct sim_tool *t, int32_t s,
		       struct buf *b)
{
	const struct sim_student *st = student_of(l, s);
	char id[160];
	buf_puts(b, "\"actor\":{\"objectType\":\"Agent\",");
	if (t->id == SIM_TOOL_TUTOR && st->grade >= 6) {
		sim_student_email((size_t)s, st->given, st->family_name, id, sizeof(id));
		buf_printf(b, "\"mbox\":\"mailto:%s\"}", id);
		return;
	}
	if (t->id == SIM_TOOL_TUTOR)
		sim_student_username((size_t)s, st->given, st->family_name, id, sizeof(id));
	else
		sim_student_id((size_t)s, id);
	buf_printf(b, "\"account\":{\"homePage\":\"https://%s\",\"name\":\"%s\"}}", t->domain, id);
}

static void xapi_verb(struct buf *b, const char *verb)
{
	buf_printf(b,
		   "\"verb\":{\"id\":\"http://adlnet.gov/expapi/verbs/%s\","
		   "\"display\":{\"en-US\":\"%s\"}}",
		   verb, verb);
}

static void xapi_statement(const struct sim_learning *l, const struct sim_tool *t,
			   const struct sim_event *e, size_t index, struct buf *b)
{
	char uuid[37], item[48], cls[SIM_ID_MAX];
	const struct standard *std = standards_at(e->standard);
	const char *code = std ? std->code : "";
	const struct sim_student *st = student_of(l, e->student);
	sim_tool_record_uuid(l, t->id, index, uuid);
	sim_tool_item_id(t->id, e->standard, e->item, item);
	sim_class_id(sim_learning_district(l), (size_t)st->class_index, cls);
	bool code_in_name = t->id == SIM_TOOL_TUTOR;

	buf_printf(b, "{\"id\":\"%s\",", uuid);
	xapi_actor(l, t, e->student, b);
	buf_putc(b, ',');
	switch (e->kind) {
	case SIM_EV_ANSWERED:
		xapi_verb(b, "answered");
		buf_printf(
			b,
			",\"object\":{\"objectType\":\"Activity\",\"id\":\"https://%s/items/%s\","
			"\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/"
			"cmi.interaction\","
			"\"interactionType\":\"fill-in\",",
			t->domain, item);
		if (code_in_name)
			buf_printf(b, "\"name\":{\"en-US\":\"Step %u: CCSS.Math.Content.%s\"}}}",
				   e->item + 1u, code);
		else
			buf_printf(b,
				   "\"name\":{\"en-US\":\"Practice item %u\"},"
				   "\"extensions\":{\"" SIM_XAPI_CCSS_EXT "\":\"%s\"}}}",
				   e->item + 1u, code);
		buf_printf(b,
			   ",\"result\":{\"success\":%s,\"score\":{\"scaled\":%d},\"duration\":\"",
			   e->correct ? "true" : "false", e->correct ? 1 : 0);
		put_duration(b, e->seconds);
		buf_puts(b, "\"}");
		break;
	case SIM_EV_COMPLETED: {
		char sid[SIM_ID_MAX];
		sim_student_id((size_t)e->student, sid);
		xapi_verb(b, "completed");
		buf_printf(
			b,
			",\"object\":{\"objectType\":\"Activity\","
			"\"id\":\"https://%s/sessions/%s-w%u-%u\","
			"\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/lesson\","
			"\"name\":{\"en-US\":\"Practice session\"},"
			"\"extensions\":{\"" SIM_XAPI_CCSS_EXT "\":\"%s\"}}}",
			t->domain, sid, e->week + 1u, (unsigned)e->sessions, code);
		buf_puts(b, ",\"result\":{\"completion\":true,\"duration\":\"");
		put_duration(b, e->seconds);
		buf_puts(b, "\"}");
		break;
	}
	default: /* SIM_EV_EXPERIENCED */
		xapi_verb(b, "experienced");
		buf_printf(b,
			   ",\"object\":{\"objectType\":\"Activity\",\"id\":\"https://%s/examples/"
			   "%s\","
			   "\"definition\":{\"type\":\"http://adlnet.gov/expapi/activities/media\","
			   "\"name\":{\"en-US\":\"Worked example %u: CCSS.Math.Content.%s\"}}}",
			   t->domain, item, e->item + 1u, code);
		buf_puts(b, ",\"result\":{\"duration\":\"");
		put_duration(b, e->seconds);
		buf_puts(b, "\"}");
		break;
	}
	buf_printf(b,
		   ",\"context\":{\"platform\":\"%s\",\"contextActivities\":{\"grouping\":"
		   "[{\"objectType\":\"Activity\",\"id\":\"https://%s/classes/%s\"}]}}",
		   t->name, t->domain, cls);
	buf_puts(b, ",\"timestamp\":\"");
	put_iso(b, e->time, false);
	buf_puts(b, "\",\"version\":\"1.0.3\"}");
}

/* ---- Caliper ---- */

static const char *caliper_action(uint8_t kind)
{
	switch (kind) {
	case SIM_EV_VIEWED:
		return "Viewed";
	case SIM_EV_STARTED:
		return "Started";
	case SIM_EV_PAUSED:
		return "Paused";
	case SIM_EV_RESUMED:
		return "Resumed";
	default:
		return "Ended";
	}
}

static void caliper_event(const struct sim_learning *l, const struct sim_tool *t,
			  const struct sim_event *e, size_t index, struct buf *b)
{
	char uuid[37], item[48], sid[SIM_ID_MAX], cls[SIM_ID_MAX];
	const struct standard *std = standards_at(e->standard);
	const char *code = std ? std->code : "";
	sim_tool_record_uuid(l, t->id, index, uuid);
	sim_tool_item_id(t->id, e->standard, e->item, item);
	sim_student_id((size_t)e->student, sid);
	sim_class_id(sim_learning_district(l), (size_t)student_of(l, e->student)->class_index, cls);
	bool view = e->kind == SIM_EV_VIEWED;

	buf_printf(b,
		   "{\"@context\":\"" SIM_CALIPER_CONTEXT "\",\"id\":\"urn:uuid:%s\","
		   "\"type\":\"%s\",\"profile\":\"%s\",",
		   uuid, view ? "ViewEvent" : "MediaEvent",
		   view ? "ReadingProfile" : "MediaProfile");
	buf_printf(b, "\"actor\":{\"id\":\"https://%s/users/%s\",\"type\":\"Person\"},", t->domain,
		   sid);
	buf_printf(b, "\"action\":\"%s\",", caliper_action(e->kind));
	buf_printf(b,
		   "\"object\":{\"id\":\"https://%s/videos/%s\",\"type\":\"VideoObject\","
		   "\"name\":\"%s video %u\",\"mediaType\":\"video/mp4\",\"duration\":\"",
		   t->domain, item, code, e->item + 1u);
	put_duration(b, e->seconds);
	buf_puts(b, "\",\"learningObjectives\":[{\"id\":\"");
	put_corestandards_url(b, code);
	buf_printf(b, "\",\"type\":\"LearningObjective\",\"name\":\"%s\"}]}", code);
	if (!view) {
		buf_printf(b,
			   ",\"target\":{\"id\":\"https://%s/videos/"
			   "%s?t=%u\",\"type\":\"MediaLocation\","
			   "\"currentTime\":\"",
			   t->domain, item, (unsigned)e->attempted);
		put_duration(b, e->attempted);
		buf_puts(b, "\"}");
	}
	buf_puts(b, ",\"eventTime\":\"");
	put_iso(b, e->time, true);
	buf_printf(b,
		   "\",\"edApp\":\"https://%s\",\"group\":{\"id\":\"https://%s/sections/%s\","
		   "\"type\":\"CourseSection\"}}",
		   t->domain, t->domain, cls);
}

/* ---- CSV ---- */

static void put_date(struct buf *b, int64_t t, bool us)
{
	int y;
	unsigned m, d;
	int64_t day = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	civil_from_days((int32_t)day, &y, &m, &d);
	if (us)
		buf_printf(b, "%02u/%02u/%04d", m, d, y);
	else
		buf_printf(b, "%04d-%02u-%02u", y, m, d);
}

static void quiz_row(const struct sim_event *e, struct buf *b)
{
	char sid[SIM_ID_MAX], item[48];
	const struct standard *std = standards_at(e->standard);
	sim_student_id((size_t)e->student, sid);
	sim_tool_item_id(SIM_TOOL_QUIZ, e->standard, e->item, item);
	buf_printf(b, "%s,%s,%s,%d,%d,", sid, item, std ? std->code : "", e->correct ? 1 : 0,
		   e->correct ? e->points : 0);
	put_date(b, e->time, true);
	buf_puts(b, "\r\n");
}

static void fluency_row(const struct sim_learning *l, const struct sim_event *e, struct buf *b)
{
	char email[160];
	const struct sim_student *st = student_of(l, e->student);
	const struct standard *std = standards_at(e->standard);
	sim_student_email((size_t)e->student, st->given, st->family_name, email, sizeof(email));
	buf_printf(b, "%s,", email);
	put_date(b, e->time, false);
	buf_printf(b, ",%u,%u,%u,%u,%s\r\n", (unsigned)e->seconds, (unsigned)e->sessions,
		   (unsigned)e->attempted, (unsigned)e->ncorrect, std ? std->code : "");
}

enum eb_err sim_tool_write(const struct sim_learning *l, enum sim_tool_id t, size_t first,
			   size_t count, struct buf *out, size_t *written)
{
	if (written)
		*written = 0;
	if ((unsigned)t >= SIM_TOOL_COUNT)
		return EB_EINVAL;
	size_t n, ntools;
	const struct sim_event *ev = sim_learning_events(l, t, &n);
	const struct sim_tool *tool = &sim_tools(&ntools)[t];
	size_t end = first >= n ? first : (count > n - first ? n : first + count);
	switch (tool->format) {
	case SIM_FORMAT_XAPI:
		buf_putc(out, '[');
		for (size_t i = first; i < end; i++) {
			if (i > first)
				buf_putc(out, ',');
			xapi_statement(l, tool, &ev[i], i, out);
		}
		buf_putc(out, ']');
		break;
	case SIM_FORMAT_CALIPER:
		buf_printf(out, "{\"sensor\":\"https://%s/sensors/1\",\"sendTime\":\"",
			   tool->domain);
		put_iso(out,
			end > first ? ev[end - 1].time
				    : (int64_t)sim_learning_week_day(l, 0) * 86400,
			true);
		buf_puts(out, "\",\"dataVersion\":\"" SIM_CALIPER_CONTEXT "\",\"data\":[");
		for (size_t i = first; i < end; i++) {
			if (i > first)
				buf_putc(out, ',');
			caliper_event(l, tool, &ev[i], i, out);
		}
		buf_puts(out, "]}");
		break;
	case SIM_FORMAT_CSV_ITEMS:
		if (first == 0)
			buf_puts(out, SIM_QUIZ_CSV_HEADER "\r\n");
		for (size_t i = first; i < end; i++)
			quiz_row(&ev[i], out);
		break;
	case SIM_FORMAT_CSV_USAGE:
		if (first == 0)
			buf_puts(out, SIM_FLUENCY_CSV_HEADER "\r\n");
		for (size_t i = first; i < end; i++)
			fluency_row(l, &ev[i], out);
		break;
	}
	if (buf_failed(out))
		return out->err;
	if (written)
		*written = end - first;
	return EB_OK;
}
