/*
 * runner.c - runs the CUnit suites of every tests/test_*.c file.
 *
 *   build/tests/runner            every suite
 *   build/tests/runner NAME...    only the suites with these names
 *
 * Uses CUnit's Basic interface in verbose mode so the run summary is
 * printed; exits 1 when any test fails or a named suite does not exist.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "suites.h"

static CU_SuiteInfo *all_suites[] = { QUELL_ALL_SUITES NULL };

int main(int argc, char **argv)
{
	unsigned int failed;
	int status = 0;

	if (CU_initialize_registry() != CUE_SUCCESS) {
		fprintf(stderr, "runner: %s\n", CU_get_error_msg());
		return 2;
	}
	for (size_t i = 0; all_suites[i] != NULL; i++) {
		for (CU_SuiteInfo *s = all_suites[i]; s->pName != NULL; s++) {
			int wanted = argc < 2;
			for (int a = 1; a < argc; a++)
				if (strcmp(argv[a], s->pName) == 0)
					wanted = 1;
			if (!wanted)
				continue;
			CU_SuiteInfo one[2] = { *s, CU_SUITE_INFO_NULL };
			if (CU_register_suites(one) != CUE_SUCCESS) {
				fprintf(stderr, "runner: %s: %s\n", s->pName, CU_get_error_msg());
				CU_cleanup_registry();
				return 2;
			}
		}
	}
	for (int a = 1; a < argc; a++) {
		if (CU_get_suite(argv[a]) == NULL) {
			fprintf(stderr, "runner: no suite named '%s'\n", argv[a]);
			status = 1;
		}
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	if (CU_get_number_of_suites_failed() > 0)
		failed++;
	CU_cleanup_registry();
	return failed > 0 || status ? 1 : 0;
}
