/* tools.h - the records the simulated district's tools send, in the formats
 * real tools use (see docs/simulator.md, "Tools and their formats").
 *
 *   practice  xAPI 1.0.3 statements (JSON array per batch); actor account
 *             {homePage https://practice.numberwise.example, name sourcedId};
 *             CCSS code in the object's definition extension
 *             "https://edbridge.example/xapi/ccss"; verbs answered, completed.
 *   tutor     xAPI 1.0.3; actor mbox mailto:<roster email> for grades 6-8,
 *             account {homePage https://tutor.stepwise.example, name username}
 *             for grades 3-5; CCSS code only in the activity name
 *             ("... CCSS.Math.Content.3.OA.A.1"); verbs answered, experienced.
 *   video     Caliper 1.2 envelopes of ViewEvent (Viewed) and MediaEvent
 *             (Started, Paused, Resumed, Ended); actor Person
 *             https://video.mathview.example/users/<sourcedId>; CCSS code in
 *             object.learningObjectives[].name.
 *   quiz      CSV student_id,item_id,standard,correct,score,date
 *             (student_id = sourcedId, date MM/DD/YYYY).
 *   fluency   CSV student_email,week_start,minutes,sessions,items_attempted,
 *             items_correct,standard (week_start YYYY-MM-DD).
 *
 * Every record is written from the simulator's memory alone: the same run
 * gives the same bytes, and a record's bytes (its statement or event id
 * included) do not depend on how the records are cut into batches. */
#ifndef EB_SIM_TOOLS_H
#define EB_SIM_TOOLS_H

#include <stddef.h>

#include "base/buf.h"
#include "base/err.h"
#include "sim/learning.h"

#define SIM_CALIPER_CONTEXT "http://purl.imsglobal.org/ctx/caliper/v1p2"
#define SIM_XAPI_CCSS_EXT "https://edbridge.example/xapi/ccss"
#define SIM_QUIZ_CSV_HEADER "student_id,item_id,standard,correct,score,date"
#define SIM_FLUENCY_CSV_HEADER                                                                     \
	"student_email,week_start,minutes,sessions,items_attempted,items_correct,standard"

/* Number of records tool t sends: statements, Caliper events or CSV rows
 * (sim_learning_events count). */
size_t sim_tool_records(const struct sim_learning *l, enum sim_tool_id t);

/* Appends records [first, first + count) of tool t (clipped to the records
 * there are) to out, in the tool's format:
 *   xAPI     one JSON array "[{...},{...}]" (an empty range gives "[]");
 *   Caliper  one envelope {"sensor","sendTime" (= the last eventTime),
 *            "dataVersion","data":[...]};
 *   CSV      the header line when first == 0, then one line per record,
 *            lines ended by CRLF as vendors' exports are.
 * Returns the number of records written through *written (may be NULL).
 * EB_EINVAL for an unknown tool; the buffer's error (EB_ENOMEM, EB_ETOOBIG)
 * when it fails. */
enum eb_err sim_tool_write(const struct sim_learning *l, enum sim_tool_id t, size_t first,
			   size_t count, struct buf *out, size_t *written);

/* The deterministic id of record i of tool t, a version-4-shaped UUID
 * ("xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx") written into out[37]. */
void sim_tool_record_uuid(const struct sim_learning *l, enum sim_tool_id t, size_t i, char out[37]);

/* The item id a tool gives item `item` of catalog standard `standard_index`
 * ("nw-3.OA.A.1-07"); out must hold 48 bytes. */
void sim_tool_item_id(enum sim_tool_id t, size_t standard_index, unsigned item, char out[48]);

#endif
