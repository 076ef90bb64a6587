/* fuzz_zip - the OneRoster zip reader (oneroster_import_zip) on arbitrary
 * archives, against an in-memory database. Checks: no crash, no read past
 * an entry's stated size, a refused import stores nothing and says why. */
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

static int64_t roster_rows(void)
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
	int64_t before = roster_rows();
	struct oneroster_report rep;
	oneroster_report_init(&rep);
	enum eb_err rc = oneroster_import_zip(db, district, data, size, "fuzz.zip", &rep);
	if (rc != EB_OK && roster_rows() != before)
		abort();
	if (rc != EB_OK && rc != EB_ENOMEM && rep.nerrors_total == 0)
		abort();
	oneroster_report_free(&rep);
	return 0;
}
