/* fuzz_mastery_model.c - libFuzzer driver for mastery_model_decode: any
 * byte string is either refused or yields a model that predicts a
 * probability for an arbitrary query. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "domain/mastery_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mastery_model *m;
	if (mastery_model_decode(data, size, &m) != EB_OK)
		return 0;
	struct mastery_student_state st = { 0 };
	struct mastery_skill_state ss = { 0 };
	struct mastery_skill_state *sk[1] = { &ss };
	struct mastery_query q = { .item = 0, .nskills = 1, .skill = { 0 } };
	for (int i = 0; i < 3; i++) {
		double p = mastery_predict(m, &st, sk, &q);
		if (!(p >= 0 && p <= 1))
			abort();
		mastery_observe(m, &st, sk, &q, i & 1);
	}
	mastery_free(m);
	return 0;
}
