/* fuzz_oneroster - the importer on arbitrary input, against an in-memory
 * database. The input is split into files at lines "=== NAME" (a missing
 * first marker means users.csv); a valid manifest is supplied when the input
 * has none, so that the fuzzer reaches the row validation quickly. Checks:
 * no crash, a rejected import stores nothing. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/district.h"
#include "ingest/oneroster.h"
#include "store/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static int64_t district;

static int64_t person_rows(void)
{
	int64_t n;
	if (db_get_int(db,
		       "SELECT (SELECT count(*) FROM person)+(SELECT count(*) FROM org)"
		       "+(SELECT count(*) FROM enrollment)+(SELECT count(*) FROM class)",
		       DB_NOARGS, &n))
		abort();
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		char err[200];
		if (db_open(":memory:", DB_OPEN_CREATE, &db, err, sizeof err) ||
		    district_create(db, "Fuzz", &district))
			abort();
	}
	if (size > 1 << 20)
		return 0;
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = 0;

	struct oneroster_file files[16];
	size_t n = 0;
	static const char manifest[] =
		"propertyName,value\noneroster.version,1.1\nfile.orgs,bulk\nfile.users,delta\n"
		"file.classes,bulk\nfile.courses,bulk\nfile.academicSessions,bulk\n"
		"file.enrollments,delta\nfile.demographics,bulk\n";
	char *p = buf, *end = buf + size;
	const char *name = "users.csv";
	bool have_manifest = false;
	if (size >= 4 && memcmp(buf, "=== ", 4) == 0) {
		char *nl = memchr(buf, '\n', size);
		*(nl ? nl : end) = 0;
		name = buf + 4;
		p = nl ? nl + 1 : end;
	}
	for (;;) {
		char *marker = NULL;
		for (char *q = p; q + 5 <= end; q++)
			if (q[0] == '\n' && memcmp(q + 1, "=== ", 4) == 0) {
				marker = q;
				break;
			}
		char *stop = marker ? marker + 1 : end;
		files[n].name = name;
		files[n].data = p;
		files[n].len = (size_t)(stop - p);
		if (strstr(name, "manifest"))
			have_manifest = true;
		n++;
		if (!marker || n == 15)
			break;
		name = marker + 5;
		char *nl = memchr(name, '\n', (size_t)(end - name));
		*(nl ? nl : end) = 0;
		p = nl ? nl + 1 : end;
	}
	if (!have_manifest)
		files[n++] = (struct oneroster_file){ "manifest.csv", (char *)manifest,
						      sizeof manifest - 1 };
	int64_t before = person_rows();
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_files(db, district, files, n, &rep);
	if (rc != EB_OK && person_rows() != before)
		abort();
	if (rc == EB_EPARSE && rep.nerrors_total == 0)
		abort();
	oneroster_report_free(&rep);
	free(buf);
	return 0;
}
