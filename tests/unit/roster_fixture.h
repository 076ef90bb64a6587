/* roster_fixture.h - a small hand-made OneRoster 1.1 district shared by
 * test_oneroster and test_roster: 2 schools, 2 classes, 1 teacher,
 * 2 students, 2 guardians (one linked from each side of agentSourcedIds). */
#ifndef EB_ROSTER_FIXTURE_H
#define EB_ROSTER_FIXTURE_H

#include <string.h>

#include "ingest/oneroster.h"

enum {
	FX_MANIFEST,
	FX_ORGS,
	FX_SESSIONS,
	FX_COURSES,
	FX_CLASSES,
	FX_USERS,
	FX_ENROLLMENTS,
	FX_COUNT
};

static const char *const fx_names[FX_COUNT] = {
	"manifest.csv", "orgs.csv",  "academicSessions.csv", "courses.csv",
	"classes.csv",	"users.csv", "enrollments.csv",
};

static const char fx_manifest[] = "propertyName,value\n"
				  "manifest.version,1.0\n"
				  "oneroster.version,1.1\n"
				  "file.academicSessions,bulk\n"
				  "file.categories,absent\n"
				  "file.classes,bulk\n"
				  "file.courses,bulk\n"
				  "file.demographics,absent\n"
				  "file.enrollments,bulk\n"
				  "file.orgs,bulk\n"
				  "file.users,bulk\n";

static const char fx_orgs[] =
	"sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
	"d1,,,North District,district,,\n"
	"s1,,,Alpha High,school,AH,d1\n"
	"s2,,,Beta Middle,school,BM,d1\n";

static const char fx_sessions[] = "sourcedId,status,dateLastModified,title,type,startDate,endDate,"
				  "parentSourcedId,schoolYear\n"
				  "y1,,,2024-25,schoolYear,2024-08-20,2025-06-10,,2025\n"
				  "t1,,,Fall,term,2024-08-20,2024-12-20,y1,2025\n";

static const char fx_courses[] =
	"sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,grades,"
	"orgSourcedId,subjects,subjectCodes\n"
	"c1,,,y1,Algebra I,ALG1,09,s1,Math,\n"
	"c2,,,y1,Biology,BIO,09,s1,Science,\n";

static const char fx_classes[] =
	"sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
	"location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
	"k1,,,Algebra I - P1,09,c1,ALG1-1,scheduled,R101,s1,t1,,,1\n"
	"k2,,,Biology - P2,09,c2,BIO-2,Scheduled,R102,s1,t1,,,2\n";

static const char fx_users[] =
	"sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
	"givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
	"password,metadata.homeLanguage,metadata.homeInternet,metadata.englishLearner,"
	"metadata.disability\n"
	"u-t1,,,TRUE,s1,teacher,tkim,,Tara,Kim,,T1,tkim@x.org,,,,,Secr3t-pw,,,,\n"
	"u-s1,,2024-09-01,true,s1,student,ann,,Ann,Lee,,S1,,,,u-g1,09,Secr3t-pw,es,,true,false\n"
	"u-s2,,2024-09-01T10:00:00Z,true,s1,student,bo,,Bo,Diaz,,S2,,,,,09,,vi,,false,true\n"
	"u-g1,,,true,s1,parent,gl,,Grace,Lee,,,,,,,,,es,false,,\n"
	"u-g2,,,true,s1,guardian,hd,,Hector,Diaz,,,,,,u-s2,,,,true,,\n";

static const char fx_enrollments[] =
	"sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
	"primary,beginDate,endDate\n"
	"e1,,,k1,s1,u-t1,teacher,true,,\n"
	"e2,,,k1,s1,u-s1,student,false,,\n"
	"e3,,,k1,s1,u-s2,student,false,,\n"
	"e4,,,k2,s1,u-t1,teacher,true,,\n"
	"e5,,,k2,s1,u-s2,student,,2024-08-20,\n";

static const char *const fx_data[FX_COUNT] = {
	fx_manifest, fx_orgs, fx_sessions, fx_courses, fx_classes, fx_users, fx_enrollments,
};

/* The fixture with file `which` replaced by `text` (which = -1: none); text NULL
 * leaves the file out. Data is a static copy for the call. */
static size_t fx_files(struct oneroster_file *out, int which, const char *text)
{
	size_t n = 0;
	for (int i = 0; i < FX_COUNT; i++) {
		const char *d = i == which ? text : fx_data[i];
		if (!d)
			continue;
		out[n].name = fx_names[i];
		out[n].data = (char *)d; /* not modified by oneroster_import_files */
		out[n].len = strlen(d);
		n++;
	}
	return n;
}

#endif
