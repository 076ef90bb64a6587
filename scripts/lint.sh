#!/bin/sh
# make lint: banned functions, then cppcheck over src/.
set -eu
cd "$(dirname "$0")/.."
status=0
# strcpy, sprintf, atoi, strtok, gets (and their close cousins) are banned:
# use str_copy, snprintf/buf_printf, cstr_to_i64, explicit parsing, fgets.
banned='\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|atoll|strtok|gets)[[:space:]]*\('
if grep -rEn "$banned" src tests/unit bench fuzz tools 2>/dev/null; then
	echo "lint: banned function used (see above)"
	status=1
else
	echo "lint: no banned functions"
fi
if command -v cppcheck >/dev/null 2>&1; then
	if ! cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability \
		--inline-suppr --suppress=missingIncludeSystem -I src -I build/gen \
		--suppress=unknownMacro -D__GNUC__ src 2>&1; then
		echo "lint: cppcheck found problems (see above)"
		status=1
	else
		echo "lint: cppcheck clean"
	fi
fi
exit $status
