"""Role x route matrix: every GET route, every role, and a person of another
district. Statuses only ever 200, 303 (to login), 403 or 404 - never another
district's data."""
import re
import unittest

from ebtest import ACCOUNTS, Server, TempDir, make_district, run

A, F, N, L = 200, 403, 404, 303  # allowed, forbidden role, not visible, to login
B = 400  # a form the role may send, refused for its content
U = 401  # tool endpoints: a person's session is not a tool's credentials

ROLES = list(ACCOUNTS) + ["other.admin", "anonymous"]

# path -> expected status per role (in ROLES order)
#                       admin coord princ coach teach champ it  vendor parent stud  other anon
MATRIX = {
    "/healthz":            [A, A, A, A, A, A, A, A, A, A, A, A],
    "/":                   [L, L, L, L, L, L, L, L, L, L, L, L],
    "/login":              [L, L, L, L, L, L, L, L, L, L, L, A],
    "/login/code":         [L, L, L, L, L, L, L, L, L, L, L, A],
    # an unknown sign-in link: the signed-in go home, others read why (404)
    "/f/not-a-link":       [L, L, L, L, L, L, L, L, L, L, L, N],
    "/assets/style.css":   [A, A, A, A, A, A, A, A, A, A, A, A],
    "/home":               [A, A, A, A, A, A, A, A, A, A, A, L],
    "/account/password":   [A, A, A, A, A, A, A, A, A, A, A, L],
    "/standards":          [A, A, A, A, A, A, A, A, A, A, A, A],
    "/standards/3.NF.A.1": [A, A, A, A, A, A, A, A, A, A, A, A],
    "/schools":            [A, A, A, A, A, A, A, F, F, F, A, L],
    "/schools/sch-a1":     [A, A, A, A, A, A, A, F, F, F, N, L],
    "/schools/sch-a2":     [A, A, N, A, N, N, A, F, F, F, N, L],
    "/classes/cls-a1-3":   [A, A, A, A, A, F, F, F, N, N, N, L],
    "/classes/cls-a2-3":   [A, A, N, A, N, F, F, F, N, N, N, L],
    "/students/stu-1":     [A, A, A, A, A, F, F, F, A, A, N, L],
    "/students/stu-3":     [A, A, N, A, N, F, F, F, N, N, N, L],
    "/classes/cls-a1-3/mastery": [A, A, A, A, A, F, F, F, N, N, N, L],
    "/classes/cls-a2-3/mastery": [A, A, N, A, N, F, F, F, N, N, N, L],
    "/students/stu-1/mastery": [A, A, A, A, A, F, F, F, A, A, N, L],
    "/students/stu-3/mastery": [A, A, N, A, N, F, F, F, N, N, N, L],
    "/standards/3.NF.A.1/mastery": [A, A, A, A, F, F, F, F, F, F, A, L],
    "/classes/cls-a1-3/groups": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/classes/cls-a2-3/groups": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/classes/cls-a1-3/groups/print": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/classes/cls-a2-3/groups/print": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/admin/users":        [A, F, F, F, F, F, F, F, F, F, A, L],
    "/admin/users/1":      [A, F, F, F, F, F, F, F, F, F, N, L],
    "/admin/audit":        [A, F, F, F, F, F, F, F, F, F, A, L],
    # the roster import history (issue 17, h17-roster): district admins; run 1 is
    # the fixture's import into district 1
    "/admin/imports":      [A, F, F, F, F, F, F, F, F, F, A, L],
    "/admin/imports/1":    [A, F, F, F, F, F, F, F, F, F, N, L],
    "/admin/imports/1?format=csv": [A, F, F, F, F, F, F, F, F, F, N, L],
    "/admin/import":       [A, F, F, F, F, F, F, F, F, F, A, L],
    "/admin/district":     [A, F, F, F, F, F, F, F, F, F, A, L],
    # family messages (issue 13, h13-deliver): settings, reach, the opt-out link
    "/admin/delivery":     [A, F, F, F, F, F, F, F, F, F, A, L],
    "/families/reach":     [A, A, A, F, F, F, F, F, F, F, A, L],
    "/families/reach?school=sch-a2": [A, A, N, F, F, F, F, F, F, F, N, L],
    "/u/not-a-link":       [N, N, N, N, N, N, N, N, N, N, N, N],
    # single sign-on (issue 16, h16-sso): the providers page; the public
    # sign-in routes of a provider that does not exist
    "/admin/sso":          [A, F, F, F, F, F, F, F, F, F, A, L],
    # roster sync from the SIS (issue 17, h17-orsync)
    "/admin/roster-sync":  [A, F, F, F, F, F, F, F, F, F, A, L],
    "/sso/nobody/start":   [N, N, N, N, N, N, N, N, N, N, N, N],
    "/sso/nobody/callback": [N, N, N, N, N, N, N, N, N, N, N, N],
    "/xapi/about":         [A, A, A, A, A, A, A, A, A, A, A, A],
    "/xapi/statements":    [U, U, U, U, U, U, U, U, U, U, U, U],
    # the document resources, Activities, Agents (h17-lrsdoc): the tool's key
    "/xapi/activities/state": [U] * 12,
    "/xapi/activities/profile": [U] * 12,
    "/xapi/agents/profile": [U] * 12,
    "/xapi/activities":    [U] * 12,
    "/xapi/agents":        [U] * 12,
    "/xapi/nothing-here":  [501] * 12,
    "/tools":              [A, A, A, A, A, A, A, F, F, F, A, L],
    "/tools/approved":     [A, A, A, A, A, A, A, A, A, A, A, A],
    "/tools/new":          [A, A, F, F, F, F, A, F, F, F, A, L],
    "/tools/request":      [A, A, A, A, A, A, A, F, F, F, A, L],
    "/tools/1":            [A, A, A, A, A, A, A, F, F, F, N, L],
    # a tool's data-sharing scopes (issue 16, h16-ags): staff read, editors change
    "/tools/1/scopes":     [A, A, A, A, A, A, A, F, F, F, N, L],
    # LTI services (h16-ags): a tool's bearer token, never a person's session
    "/lti/ags/1/lineitems": [U] * 12,
    "/lti/ags/1/lineitems/1": [U] * 12,
    "/lti/ags/1/lineitems/1/results": [U] * 12,
    "/lti/nrps/cls-a1-3/memberships": [U] * 12,
    # LTI launches (issue 16, h16-lti): tool 1 registered, link 1 in cls-a1-3;
    # a launch answers 303 to the tool's login (staff who see the class, its
    # students); the tool's authentication request without parameters says
    # what the address is for
    "/lti/launch/1":       [L, L, L, L, L, F, F, F, F, L, N, L],
    "/lti/add/1?class=cls-a1-3": [L, L, F, F, L, F, F, F, F, F, N, L],
    "/lti/login":          [A, A, A, A, A, A, A, F, F, A, A, L],
    "/lti/login?scope=openid": [B, B, B, B, B, B, B, F, F, B, B, L],
    "/.well-known/jwks.json": [A, A, A, A, A, A, A, A, A, A, A, A],
    "/assets/lti_autosubmit.js": [A, A, A, A, A, A, A, A, A, A, A, A],
    "/initiatives":        [A, A, A, A, F, F, F, F, F, F, A, L],
    "/initiatives/new":    [A, A, F, F, F, F, F, F, F, F, A, L],
    "/initiatives/1":      [N, N, N, N, F, F, F, F, F, F, N, L],  # none in the fixture
    "/whats-working":      [A, A, A, A, F, F, F, F, F, F, A, L],
    "/whats-working.csv":  [A, A, A, A, F, F, F, F, F, F, A, L],
    "/whats-working.xlsx": [A, A, A, A, F, F, F, F, F, F, A, L],
    "/whats-working?school=sch-a1": [A, A, A, A, F, F, F, F, F, F, N, L],
    "/whats-working?school=sch-a2": [A, A, N, A, F, F, F, F, F, F, N, L],
    "/whats-working.csv?school=sch-a2": [A, A, N, A, F, F, F, F, F, F, N, L],
    # the next best intervention (issue 12): staff with access, never families
    "/students/stu-1/recommendations": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/students/stu-3/recommendations": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/classes/cls-a1-3/recommendations": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/classes/cls-a2-3/recommendations": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/assessments":        [A, A, A, A, A, F, F, F, F, F, A, L],
    "/assessments/1":      [N, N, N, N, N, F, F, F, F, F, N, L],  # none in the fixture
    "/assessments/1/sheets": [N, N, N, N, N, F, F, F, F, F, N, L],
    # printed letters to families (issue 13): principals (their school), admins;
    # the PDF needs serve --public-url, which this server has not: 404 says so
    "/families/letters":   [A, F, A, F, F, F, F, F, F, F, A, L],
    "/families/letters?school=sch-a2": [A, F, N, F, F, F, F, F, F, F, N, L],
    "/families/letters?school=sch-a1&format=pdf": [N, F, N, F, F, F, F, F, F, F, N, L],
    # intervention and learning plans (issue 12)
    "/plans":              [A, A, A, A, A, F, F, F, F, F, A, L],
    "/plans?class=cls-a2-3": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/plans?school=sch-a2": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/plans?student=stu-3": [A, A, N, A, N, F, F, F, F, F, N, L],
    "/plans/new":          [A, A, A, A, A, F, F, F, F, F, A, L],
    "/plans/1":            [N, N, N, N, N, F, F, F, F, F, N, L],  # none in the fixture
    "/plans/1/edit":       [N, N, N, N, N, F, F, F, F, F, N, L],
    "/students/stu-1/learning-plan": [A, A, A, A, A, F, F, F, A, A, N, L],
    "/students/stu-3/learning-plan": [A, A, N, A, N, F, F, F, N, N, N, L],
    "/classes/cls-a1-3/learning-plans": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/classes/cls-a2-3/learning-plans": [A, A, N, A, N, F, F, F, F, F, N, L],
    # formative feedback (issue 13, h13-student): a class's pattern
    "/classes/cls-a1-3/feedback": [A, A, A, A, A, F, F, F, F, F, N, L],
    "/classes/cls-a2-3/feedback": [A, A, N, A, N, F, F, F, F, F, N, L],
    # the knowledge base of known fixes (issue 14, h14-kb): everyone reads;
    # champions, IT, the coordinator and admins write; the vendor contact of
    # this fixture names no tool, so reads none
    "/assets/kb_suggest.js": [A, A, A, A, A, A, A, A, A, A, A, A],
    "/kb":                 [A, A, A, A, A, A, A, A, A, A, A, L],
    "/kb/suggest?q=login": [A, A, A, A, A, A, A, A, A, A, A, U],
    "/kb/new":             [A, A, F, F, F, A, A, F, F, F, A, L],
    "/kb/1":               [N, N, N, N, N, N, N, N, N, N, N, L],  # none in the fixture
    "/kb/1/edit":          [N, N, F, F, F, N, N, F, F, F, N, L],
    # the support reports (h14-kb): district roles and IT; a principal their school
    "/tickets/reports":    [A, A, A, F, F, F, A, F, F, F, A, L],
    "/tickets/reports?school=sch-a2": [A, A, N, F, F, F, A, F, F, F, N, L],
    # support tickets (issue 14, h14-tickets): everyone with a login, each their share
    "/tickets":            [A, A, A, A, A, A, A, A, A, A, A, L],
    "/tickets/new":        [A, A, A, A, A, A, A, A, A, A, A, L],
    "/tickets/1":          [N, N, N, N, N, N, N, N, N, N, N, L],  # none in the fixture
    "/tickets/1/attachments/1": [N, N, N, N, N, N, N, N, N, N, N, L],
    # devices (issue 14, h14-devices): IT and admins; principals and champions their schools'
    "/devices":            [A, F, A, F, F, A, A, F, F, F, A, L],
    "/devices?school=sch-a2": [A, F, N, F, F, N, A, F, F, F, A, L],
    "/devices/1":          [N, F, N, F, F, N, N, F, F, F, N, L],  # none in the fixture
    # standards frameworks (issue 17, h17-case): staff but vendor contacts; none in the fixture
    "/frameworks":         [A, A, A, A, A, A, A, F, F, F, A, L],
    "/frameworks/1":       [N, N, N, N, N, N, N, F, F, F, N, L],
    # the gradebook from the SIS (issue 17, h17-admin): the district's, or a teacher's own
    "/gradebook":          [A, A, F, F, A, F, F, F, F, F, A, L],
    "/gradebook/item?id=nope": [N, N, F, F, N, F, F, F, F, F, N, L],
    # trainings and champions found from the data (issue 14, h14-train)
    "/trainings":          [A, A, A, A, A, A, A, F, F, F, A, L],
    "/trainings?tool=1":   [A, A, A, A, A, A, A, F, F, F, N, L],
    "/trainings/new":      [A, A, F, A, F, F, A, F, F, F, A, L],
    "/trainings/1":        [N, N, N, N, N, N, N, F, F, F, N, L],  # none in the fixture
    # classroom observations (issue 15, h15-obs): none in the fixture
    # (test_observations.py covers who sees which observation and its exports)
    "/observations":       [A, A, A, A, A, F, F, F, F, F, A, L],
    "/observations/new":   [A, A, A, A, F, F, F, F, F, F, A, L],
    "/observations/1":     [N, N, N, N, N, F, F, F, F, F, N, L],
    "/observations/1.pdf": [N, N, N, N, N, F, F, F, F, F, N, L],
    "/observations/1.csv": [N, N, N, N, N, F, F, F, F, F, N, L],
    "/observations/1/tally": [N, N, N, N, F, F, F, F, F, F, N, L],
    "/champions":          [F, A, A, F, F, F, A, F, F, F, F, L],
    "/champions?school=sch-a2": [F, A, N, F, F, F, A, F, F, F, F, L],
    # coaching impact on students (issue 15, h15-impact)
    "/coaching/impact":    [A, A, A, F, F, F, F, F, F, F, A, L],
    "/coaching/impact?school=sch-a2": [A, A, N, F, F, F, F, F, F, F, A, L],
    # coaching cycles (issue 15, h15-cycles)
    "/coaching":           [A, A, A, A, A, F, F, F, F, F, A, L],
    "/coaching/new":       [F, A, F, A, F, F, F, F, F, F, F, L],
    "/coaching/1":         [N, N, N, N, N, F, F, F, F, F, N, L],  # none in the fixture
    # teams, meetings, action items (issue 15, h15-teams): staff; none in the fixture
    "/teams":              [A, A, A, A, A, A, A, A, F, F, A, L],
    "/teams/new":          [A, A, A, A, F, F, F, F, F, F, A, L],
    "/teams/1":            [N, N, N, N, N, N, N, N, F, F, N, L],
    "/meetings/1":         [N, N, N, N, N, N, N, N, F, F, N, L],
    "/action-items":       [A, A, A, A, A, A, A, A, F, F, A, L],
    "/action-items?team=1": [N, N, N, N, N, N, N, N, F, F, N, L],
}

# The POST routes of issue 13 (each in every role): path -> (form, statuses);
# 303 where the role may (the form is saved), like the GET matrix otherwise.
# An empty note deletes this week's note, so nothing is sent to a translator.
#                                  admin coord princ coach teach champ it  vendor parent stud  other anon
POST_MATRIX = {
    "/students/stu-1/note": ({"body": ""}, [L, L, L, L, L, F, F, F, F, F, N, L]),
    "/students/stu-3/note": ({"body": ""}, [L, L, N, L, N, F, F, F, F, F, N, L]),
    "/classes/cls-a1-3/note": ({"body": ""}, [L, L, L, L, L, F, F, F, F, F, N, L]),
    "/classes/cls-a2-3/note": ({"body": ""}, [L, L, N, L, N, F, F, F, F, F, N, L]),
    "/family/language": ({"lang": "en"}, [F, F, F, F, F, F, F, F, L, L, F, L]),
    # feedback, answers, families' messages (h13-student): an empty body is a
    # 400 with nothing stored where the role may write
    "/students/stu-1/feedback": ({"standard": "3.NF.A.1", "body": ""},
                                 [B, B, B, B, B, F, F, F, F, F, N, L]),
    "/students/stu-3/feedback": ({"standard": "3.NF.A.1", "body": ""},
                                 [B, B, N, B, N, F, F, F, F, F, N, L]),
    "/students/stu-1/feedback/1/answer": ({"body": ""}, [B, B, B, B, B, F, F, F, F, B, N, L]),
    "/classes/cls-a1-3/feedback": ({"group": "1", "body": ""},
                                   [B, B, B, B, B, F, F, F, F, F, N, L]),
    "/classes/cls-a2-3/feedback": ({"group": "1", "body": ""},
                                   [B, B, N, B, N, F, F, F, F, F, N, L]),
    "/students/stu-1/message": ({"body": ""}, [F, F, F, F, F, F, F, F, B, F, F, L]),
    "/students/stu-3/message": ({"body": ""}, [F, F, F, F, F, F, F, F, N, F, F, L]),
    "/family/paper": ({"paper": "no"}, [F, F, F, F, F, F, F, F, L, F, F, L]),
    # the knowledge base (issue 14, h14-kb): a mark that is neither answer, an
    # article without its fields: 400 and nothing stored where the role may
    "/kb/1/helped": ({"helped": "maybe"}, [B, B, B, B, B, B, B, B, B, B, B, L]),
    "/kb/new": ({"title": ""}, [B, B, F, F, F, B, B, F, F, F, B, L]),
    # support tickets (issue 14): an empty report is a 400 with nothing stored
    "/tickets/new": ({"title": "", "confirm": "1"}, [B, B, B, B, B, B, B, B, B, B, B, L]),
    "/tickets/1/comments": ({"body": "x"}, [N, N, N, N, N, N, N, N, N, N, N, L]),
    "/tickets/1/escalate": ({"tier": "it"}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    # devices (issue 14, h14-devices): no device 1 in the fixture; the upload
    # without a file is refused (400)
    "/devices/1/checkout": ({"person": "stu-1"}, [N, F, F, F, F, F, N, F, F, F, N, L]),
    "/devices/1/checkin": ({}, [N, F, F, F, F, F, N, F, F, F, N, L]),
    "/devices/import": ({"profile": "google"}, [B, F, F, F, F, F, B, F, F, F, B, L]),
    # standards frameworks (issue 17, h17-case): a bad choice or no file is refused (400)
    "/frameworks/primary": ({"framework": "x"}, [B, B, F, F, F, F, F, F, F, F, B, L]),
    "/frameworks/import": ({}, [B, B, F, F, F, F, F, F, F, F, B, L]),
    # a saved CASE provider fetched again (h17-admin): none in the fixture
    "/frameworks/providers/999/fetch": ({}, [N, N, F, F, F, F, F, F, F, F, N, L]),
    # trainings (issue 14, h14-train): an untitled session is refused, nothing stored;
    # a session that does not exist; the principal confirms (an unknown account: 400)
    "/trainings/new": ({"title": ""}, [B, B, F, B, F, F, B, F, F, F, B, L]),
    "/trainings/1/register": ({}, [N, N, N, N, N, N, N, F, F, F, N, L]),
    "/trainings/1/cancel": ({}, [N, N, N, N, N, N, N, F, F, F, N, L]),
    "/trainings/1/attend": ({}, [N, N, N, N, N, N, N, F, F, F, N, L]),
    "/trainings/1/follow-up": ({"ready": "3"}, [N, N, N, N, N, N, N, F, F, F, N, L]),
    # observations (issue 15, h15-obs): none in the fixture; starting one for a
    # teacher who is not the class's is refused (400), nothing stored
    "/observations/1/tally": ({"code": "teacher"}, [N, N, N, N, F, F, F, F, F, F, N, L]),
    "/observations/1/ratings": ({"indicator": "math_focus", "level": "3"},
                                [N, N, N, N, F, F, F, F, F, F, N, L]),
    "/observations/1/share": ({"account": "1", "share": "1"},
                              [F, F, F, F, N, F, F, F, F, F, F, L]),
    "/observations/new": ({"class": "cls-a1-3", "teacher": ""},
                          [B, B, B, B, F, F, F, F, F, F, B, L]),
    "/champions/confirm": ({"school": "sch-a1", "tool": "1", "account": "999999"},
                           [F, F, B, F, F, F, F, F, F, F, F, L]),
    # coaching cycles (issue 15, h15-cycles): an untitled cycle is refused, nothing
    # stored; cycle 1 does not exist (changes: its coach and teachers only)
    "/coaching/new": ({"title": ""}, [F, B, F, B, F, F, F, F, F, F, F, L]),
    "/coaching/1/entries": ({"kind": "kickoff"}, [F, F, F, N, N, F, F, F, F, F, F, L]),
    "/coaching/1/steps": ({"body": "x"}, [F, F, F, N, N, F, F, F, F, F, F, L]),
    "/coaching/1/steps/done": ({"step": "1"}, [F, F, F, N, N, F, F, F, F, F, F, L]),
    "/coaching/1/resources": ({"kind": "url"}, [F, F, F, N, N, F, F, F, F, F, F, L]),
    "/coaching/1/goals": ({"kind": "students"}, [F, F, F, N, N, F, F, F, F, F, F, L]),
    "/coaching/1/share": ({"account": "1"}, [F, F, F, F, N, F, F, F, F, F, F, L]),
    "/coaching/1/phase": ({"phase": "learn"}, [F, F, F, N, F, F, F, F, F, F, F, L]),
    # teams (issue 15, h15-teams): a team without a name is refused, nothing stored;
    # no team, meeting or action item 1 in the fixture
    "/teams/new": ({"name": "", "kind": "school", "school": "sch-a1"},
                   [B, B, B, B, F, F, F, F, F, F, B, L]),
    "/teams/1/members": ({"role": "teacher", "account": "teacher"},
                         [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/teams/1/members/1/remove": ({}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/teams/1/meetings": ({"date": "2026-03-10", "time": "15:30"},
                          [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/meetings/1/agenda": ({"text": "x"}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/meetings/1/notes": ({"notes": "x"}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/meetings/1/attendance": ({}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/meetings/1/decisions": ({"text": "x"}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/meetings/1/actions": ({"text": "x", "owner": "1", "due": "2026-03-10"},
                            [N, N, N, N, N, N, N, N, F, F, N, L]),
    "/action-items/1/status": ({"status": "done"}, [N, N, N, N, N, N, N, N, F, F, N, L]),
    # single sign-on providers (issue 16, h16-sso): a provider without a name is
    # refused, nothing stored; one that does not exist cannot be removed
    "/admin/sso": ({"preset": "generic", "slug": ""}, [B, F, F, F, F, F, F, F, F, F, B, L]),
    "/admin/sso/999/remove": ({}, [N, F, F, F, F, F, F, F, F, F, N, L]),
    # roster sync (issue 17, h17-orsync): no source 999
    "/admin/roster-sync/999/run": ({}, [N, F, F, F, F, F, F, F, F, F, N, L]),
    # sources added, changed, removed (h17-admin): a source without a URL is refused
    "/admin/roster-sync/add": ({"url": ""}, [B, F, F, F, F, F, F, F, F, F, B, L]),
    "/admin/roster-sync/999/edit": ({}, [N, F, F, F, F, F, F, F, F, F, N, L]),
    "/admin/roster-sync/999/remove": ({}, [N, F, F, F, F, F, F, F, F, F, N, L]),
    # data-sharing scopes (issue 16, h16-ags): an element not on the list is
    # refused (400), nothing stored, where the role may change them; no tool 1
    # in this fixture: 404
    "/tools/1/scopes": ({"scope": "ssn"}, [N, N, F, F, F, F, N, F, F, F, N, L]),
    "/tools/1/forget": ({"student": "stu-1"}, [N, F, F, F, F, F, F, F, F, F, N, L]),
    # /lti/token answers every session alike: a person is no tool (RFC 6749 JSON)
    "/lti/token": ({"grant_type": "client_credentials"}, [B] * 12),
    "/lti/ags/1/lineitems/1/scores": ({"userId": "x"}, [U] * 12),
}

# The text-message provider's webhooks (issue 13, h13-sms): public routes that
# the provider's signature alone opens; every role, signed in or not, gets 403
# without one (tests/http/test_sms.py sends signed ones).
WEBHOOKS = {
    "/sms/inbound": {"From": "+15552010001", "Body": "STOP", "AccountSid": "AC1"},
    "/sms/status": {"MessageSid": "SM1", "MessageStatus": "delivered", "AccountSid": "AC1"},
}

# a route pattern -> the concrete path(s) above that exercise it
PATTERN_PATHS = {
    "/xapi/*": "/xapi/nothing-here",
    "/f/:token": "/f/not-a-link",
    "/u/:token": "/u/not-a-link",
    "/sso/:provider/start": "/sso/nobody/start",
    "/sso/:provider/callback": "/sso/nobody/callback",
    "/standards/:code": "/standards/3.NF.A.1",
    "/schools/:id": "/schools/sch-a1",
    "/classes/:id": "/classes/cls-a1-3",
    "/students/:id": "/students/stu-1",
    "/classes/:id/mastery": "/classes/cls-a1-3/mastery",
    "/students/:id/mastery": "/students/stu-1/mastery",
    "/standards/:code/mastery": "/standards/3.NF.A.1/mastery",
    "/classes/:id/groups": "/classes/cls-a1-3/groups",
    "/classes/:id/groups/print": "/classes/cls-a1-3/groups/print",
    "/admin/users/:id": "/admin/users/1",
    "/tools/:id": "/tools/1",
    "/tools/:id/scopes": "/tools/1/scopes",
    "/lti/ags/:link/lineitems": "/lti/ags/1/lineitems",
    "/lti/ags/:link/lineitems/:item": "/lti/ags/1/lineitems/1",
    "/lti/ags/:link/lineitems/:item/results": "/lti/ags/1/lineitems/1/results",
    "/lti/nrps/:context/memberships": "/lti/nrps/cls-a1-3/memberships",
    "/lti/launch/:link": "/lti/launch/1",
    "/lti/add/:tool": "/lti/add/1?class=cls-a1-3",
    "/initiatives/:id": "/initiatives/1",
    "/students/:id/recommendations": "/students/stu-1/recommendations",
    "/classes/:id/recommendations": "/classes/cls-a1-3/recommendations",
    "/assessments/:id": "/assessments/1",
    "/assessments/:id/sheets": "/assessments/1/sheets",
    "/plans/:id": "/plans/1",
    "/plans/:id/edit": "/plans/1/edit",
    "/students/:id/learning-plan": "/students/stu-1/learning-plan",
    "/classes/:id/learning-plans": "/classes/cls-a1-3/learning-plans",
    "/classes/:id/feedback": "/classes/cls-a1-3/feedback",
    "/kb/suggest": "/kb/suggest?q=login",
    "/kb/:id": "/kb/1",
    "/kb/:id/edit": "/kb/1/edit",
    "/tickets/:id": "/tickets/1",
    "/tickets/:id/attachments/:aid": "/tickets/1/attachments/1",
    "/devices/:id": "/devices/1",
    "/frameworks/:id": "/frameworks/1",
    "/gradebook/item": "/gradebook/item?id=nope",
    "/trainings/:id": "/trainings/1",
    "/coaching/:id": "/coaching/1",
    "/observations/:id": "/observations/1",
    "/observations/:id/tally": "/observations/1/tally",
    "/teams/:id": "/teams/1",
    "/meetings/:id": "/meetings/1",
    "/admin/imports/:id": "/admin/imports/1",
}

# root redirects the logged-in to /home (303) and anonymous to /login (303)
SECRET_NAMES = ["Sam", "Sara", "Saul", "Gloria", "Tina"]


class RoleMatrix(TempDir):
    def test_every_get_route_is_in_the_matrix(self):
        out = run("serve", "--list-routes").stdout
        for line in out.splitlines():
            method, pattern = line.split("\t")[:2]
            if method not in ("GET", "*"):
                continue
            path = PATTERN_PATHS.get(pattern, pattern)
            self.assertIn(path, MATRIX, f"route {pattern} is not in the role matrix test")

    def test_matrix(self):
        db = make_district(self.tmp)
        run("tool", "add", "--name", "Quizzy", "--district-id", "1", db=db)  # tool 1
        # registered for LTI launches, with link 1 in cls-a1-3 (h16-lti)
        run("lti", "add", "--tool", "1", "--client-id", "quizzy", "--deployment-id", "d1",
            "--login-url", "https://quizzy.example/login", "--launch-url",
            "https://quizzy.example/launch", "--jwks-url", "https://quizzy.example/jwks",
            "--district-id", "1", db=db)
        run("lti", "link", "--tool", "1", "--class", "cls-a1-3", "--title", "Quiz 1",
            "--district-id", "1", db=db)
        with Server(db) as srv:
            clients = {}
            for role in ROLES:
                c = srv.client()
                if role != "anonymous":
                    r = c.login(role)
                    self.assertEqual(r.status, 303, f"login {role}: {r.text[:300]}")
                clients[role] = c
            failures = []
            for path, expect in MATRIX.items():
                for role, want in zip(ROLES, expect):
                    r = clients[role].get(path)
                    if r.status != want:
                        failures.append(f"{role:12s} GET {path}: {r.status}, expected {want}")
                    if r.status in (403, 404) and path.startswith(("/students", "/classes")):
                        for name in SECRET_NAMES:
                            if re.search(rf"\b{name}\b", r.text):
                                failures.append(f"{role} {path}: refused page shows {name}")
            self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_post_routes_of_families_in_their_language(self):
        out = run("serve", "--list-routes").stdout
        posts = {line.split("\t")[1] for line in out.splitlines() if line.startswith("POST")}
        for pattern in ("/students/:id/note", "/classes/:id/note", "/family/language",
                        "/students/:id/feedback", "/students/:id/feedback/:fid/answer",
                        "/classes/:id/feedback", "/students/:id/message"):
            self.assertIn(pattern, posts)
        db = make_district(self.tmp)
        with Server(db) as srv:
            failures = []
            for role in ROLES:
                c = srv.client()
                if role != "anonymous":
                    self.assertEqual(c.login(role).status, 303, role)
                for path, (form, expect) in POST_MATRIX.items():
                    want = expect[ROLES.index(role)]
                    c.get("/home" if role != "anonymous" else "/login")
                    r = c.post(path, form)
                    if r.status != want:
                        failures.append(f"{role:12s} POST {path}: {r.status}, expected {want}")
            self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_provider_webhooks_refuse_every_role_without_a_signature(self):
        out = run("serve", "--list-routes").stdout
        posts = {line.split("\t")[1] for line in out.splitlines() if line.startswith("POST")}
        for path in WEBHOOKS:
            self.assertIn(path, posts)
        db = make_district(self.tmp)
        with Server(db) as srv:
            failures = []
            for role in ROLES:
                c = srv.client()
                if role != "anonymous":
                    self.assertEqual(c.login(role).status, 303, role)
                for path, form in WEBHOOKS.items():
                    r = c.post(path, form)
                    if r.status != 403:
                        failures.append(f"{role:12s} POST {path}: {r.status}, expected 403")
            self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_navigation_shows_only_pages_the_role_may_open(self):
        # the navigation is built from the route table: every link shown to a
        # role opens (200) for that role, and agrees with the matrix above
        db = make_district(self.tmp)
        with Server(db) as srv:
            failures = []
            for role in ROLES:
                c = srv.client()
                if role != "anonymous":
                    self.assertEqual(c.login(role).status, 303, role)
                r = c.get("/home" if role != "anonymous" else "/standards")
                self.assertEqual(r.status, 200, role)
                nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', r.text, re.S).group(1)
                links = [h for h in re.findall(r'<a[^>]* href="([^"]*)"', nav) if h != "/"]
                self.assertTrue(links, role)
                for href in links:
                    got = c.get(href).status
                    want = MATRIX[href][ROLES.index(role)]
                    if got != 200 or want != A:
                        failures.append(f"{role}: nav link {href} answers {got} (matrix {want})")
            self.assertEqual(failures, [], "\n" + "\n".join(failures))

    def test_student_views_are_audited(self):
        db = make_district(self.tmp)
        with Server(db) as srv:
            t = srv.client()
            t.login("teacher")
            self.assertEqual(t.get("/students/stu-1").status, 200)
            self.assertEqual(t.get("/students/stu-3").status, 404)
            a = srv.client()
            a.login("admin")
            # students by name (stu-1 is Sam One, stu-3 Saul Three), never their ids
            r = a.get("/admin/audit?subject_type=student")
            self.assertEqual(r.status, 200)
            self.assertIn("student Sam One", r.text)
            self.assertNotIn("stu-1", r.text)
            self.assertIn("teacher", r.text)
            # the refused attempt is logged as such, never as a view
            r = a.get("/admin/audit?subject_type=student&action=view")
            self.assertIn("Sam One", r.text)
            self.assertNotIn("Saul Three", r.text)
            r = a.get("/admin/audit?subject_type=student&action=refused")
            self.assertIn("Saul Three", r.text)
            self.assertNotIn("Sam One", r.text)
            # the other district's admin sees none of it
            o = srv.client()
            o.login("other.admin")
            r = o.get("/admin/audit?subject_type=student")
            self.assertNotIn("Sam One", r.text)
            self.assertNotIn("stu-1", r.text)


if __name__ == "__main__":
    unittest.main()
