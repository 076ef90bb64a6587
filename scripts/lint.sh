#!/bin/sh
# make lint: banned functions, cppcheck over src/, po/edbridge.pot up to date, then the
# format (.clang-format).
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
# the translations' template: po/edbridge.pot is what the sources mark (`make po`)
if command -v xgettext >/dev/null 2>&1; then
	if scripts/po-update.sh --check; then
		echo "lint: po/edbridge.pot up to date"
	else
		status=1
	fi
else
	echo "lint: xgettext missing (Debian gettext), po/edbridge.pot not checked"
	status=1
fi
# the format: every C file as clang-format writes it (`make format` fixes it)
if command -v clang-format >/dev/null 2>&1; then
	bad=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run 2>&1 |
		sed -n 's/^\([^:]*\):[0-9]*:[0-9]*: \(warning\|error\): .*/\1/p' | sort -u)
	if [ -n "$bad" ]; then
		echo "$bad" | sed 's/^/  /'
		echo "lint: $(echo "$bad" | wc -l) files not formatted (run make format)"
		status=1
	else
		echo "lint: format clean"
	fi
else
	echo "lint: clang-format missing, format not checked: not formatted"
	status=1
fi
exit $status
