/* fuzz_device_csv.c - libFuzzer driver for the device inventory import
 * (ingest/device_csv): any bytes through both profiles into an in-memory
 * database with one school; the import must never crash, leak or read out
 * of bounds, a refused file names itself on every problem line and stores
 * nothing, and an accepted one stores a device per row at most.
 * Build: scripts/fuzz.sh (clang -fsanitize=fuzzer,address). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "domain/audit.h"
#include "domain/district.h"
#include "ingest/device_csv.h"
#include "store/db.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static int64_t d;

static int64_t devices(void)
{
	int64_t n = -1;
	db_get_int(db, "SELECT count(*) FROM device", DB_NOARGS, &n);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!db) {
		char err[200];
		if (db_open(":memory:", DB_OPEN_CREATE, &db, err, sizeof err) ||
		    district_create(db, "Fuzz", &d) ||
		    db_execute(db,
			       "INSERT INTO org(district_id, sourced_id, name, type, identifier)"
			       " VALUES (?1, 'sch-1', 'Birch Elementary', 'school', 'BE')",
			       DB_ARGS(DB_INT(d)), NULL))
			abort();
	}
	static const char *const profiles[] = { "google", "generic" };
	struct audit_actor who = { 0, "fuzz", "" };
	char *copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	for (size_t i = 0; i < 2; i++) {
		memcpy(copy, data, size);
		struct buf errs;
		buf_init(&errs, 1 << 16);
		struct device_import_report rep;
		enum eb_err rc = device_csv_import(db, d, &who, device_profile_find(profiles[i]),
						   "f.csv", copy, size, 1000, &rep, &errs);
		if (rc == EB_EINVAL) {
			if (strncmp(buf_cstr(&errs), "f.csv:", 6) != 0 || devices() != 0)
				abort();
		} else if (rc == EB_OK) {
			if (devices() > (int64_t)rep.rows || rep.created + rep.updated != rep.rows)
				abort();
		}
		buf_free(&errs);
		db_exec(db, "DELETE FROM device_assignment; DELETE FROM device;"
			    " DELETE FROM audit_log;");
	}
	free(copy);
	return 0;
}
