#!/usr/bin/env bash
# Everything that tests `moat do` beyond the unit tests: the differential
# syscall suite, every tests/integration/*.sh (but helpers.sh and the
# *_helpers.sh the suites source) and the escape suite; first as
# the invoking user and then, when that is root, again as uid/gid 65534
# (setpriv --reuid=65534 --regid=65534 --clear-groups).
#
# usage: run.sh <build-dir>
#
# Access for uid 65534, decided here: nothing on the host is chmod'ed. If
# 65534 can already read and execute the build dir in place (the default
# for a 0755 checkout), it is used there; otherwise the build dir is copied
# to a 0755 temp dir under MOAT_TEST_TMPDIR (default /var/tmp; not /tmp,
# which the sandbox replaces, so a copy there would be invisible inside) and
# the unprivileged pass uses the copy. The sources (tests/) must be readable by 65534 (a 0755 checkout is);
# if not, they are copied too. The unprivileged user gets its own HOME, a
# fresh temp dir it owns; TMPDIR is left unset as for root (inside the
# sandbox /tmp is the sandbox's own tmpfs). The escape programs are compiled into
# the build dir when writable, otherwise into that suite's temp dir.
#
# Prints "SUITE (USER): <summary>" per suite and user, then a final
# "N passed, N failed, N skipped" line; exits non-zero if anything failed
# (a suite that exits non-zero with no failures counted counts as one
# failure). Skips print SKIP with the reason and never count as passed.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export LC_ALL=C

[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 <build-dir>" >&2; exit 2; }
build=$(cd "$1" && pwd)
tests=$(cd "$(dirname "$0")" && pwd)
[ "${MOAT_TEST_NATIVE_ONLY:-0}" = 1 ] &&
	echo "NOTE: MOAT_TEST_NATIVE_ONLY=1: the syscall suite compares native runs only"

# The sandbox gets a fresh /tmp: a checkout under /tmp (where CI may clone)
# would be invisible inside, so run from a copy under MOAT_TEST_TMPDIR.
case "$build/" in
/tmp/*)
	stage=$(mktemp -d "${MOAT_TEST_TMPDIR:-/var/tmp}/moat-stage.XXXXXX")
	trap 'rm -rf "$stage"' EXIT
	chmod 0755 "$stage"
	echo "note: $build is under /tmp, which the sandbox replaces: running from a copy in $stage"
	cp -a "$build" "$stage/build" && cp -a "$tests" "$stage/tests" &&
		chmod -R a+rX "$stage" || exit 1
	build=$stage/build tests=$stage/tests
	;;
esac

total_pass=0 total_fail=0 total_skip=0
summaries=()

# run_suite LABEL USER-LABEL CMD...: runs one suite, echoes its output,
# adds its counts from the final "N passed, N failed[, N skipped]" line.
run_suite() {
	local label=$1 who=$2 log rc line p f s
	shift 2
	log=$(mktemp)
	echo "=== $label ($who)"
	# stdin is /dev/null: when make check runs with a terminal on stdin in a
	# background process group (a CI harness behind timeout(1)), script(1),
	# ctr and moat's own terminal code would otherwise stop on SIGTTOU/SIGTTIN.
	# A suite that hangs fails alone (exit 124) instead of taking the whole
	# run past CI's limit with nothing said about where.
	timeout -k 10 "${MOAT_SUITE_TIMEOUT:-900}" "$@" </dev/null 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	[ "$rc" = 124 ] && echo "FAIL $label: no end after ${MOAT_SUITE_TIMEOUT:-900} s (timeout)"
	line=$(grep -E '^(NATIVE-ONLY.*: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	rm -f "$log"
	p=$(sed -nE 's/.*\b([0-9]+) passed.*/\1/p' <<<"$line")
	f=$(sed -nE 's/.*\b([0-9]+) failed.*/\1/p' <<<"$line")
	s=$(sed -nE 's/.*\b([0-9]+) skipped.*/\1/p' <<<"$line")
	p=${p:-0} f=${f:-0} s=${s:-0}
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1
		line="${line:+$line; }exit status $rc"
	fi
	[ -z "$line" ] && line="no summary (exit status $rc)"
	total_pass=$((total_pass + p)) total_fail=$((total_fail + f)) total_skip=$((total_skip + s))
	summaries+=("$label ($who): $line")
}

# all_suites WHO BUILD TESTS [RUNNER...]: RUNNER prefixes each command.
all_suites() {
	local who=$1 b=$2 t=$3 f
	shift 3
	run_suite syscalls "$who" "$@" bash "$t/syscalls/run.sh" "$b"
	for f in "$t"/integration/*.sh; do
		case $(basename "$f") in helpers.sh | *_helpers.sh) continue ;; esac
		run_suite "integration/$(basename "$f" .sh)" "$who" "$@" bash "$f" "$b"
	done
	run_suite escape "$who" "$@" bash "$t/escape/run.sh" "$b"
}

all_suites "$(id -un)" "$build" "$tests"

if [ "$(id -u)" = 0 ]; then
	if ! command -v setpriv >/dev/null; then
		echo "SKIP unprivileged pass: setpriv not installed"
		total_skip=$((total_skip + 1))
		summaries+=("all suites (uid 65534): SKIP, setpriv not installed")
	else
		priv=(setpriv --reuid=65534 --regid=65534 --clear-groups)
		scratch=$(mktemp -d "${MOAT_TEST_TMPDIR:-/var/tmp}/moat-unpriv.XXXXXX")
		chmod 0755 "$scratch"
		mkdir -m 0700 "$scratch/home"
		chown 65534:65534 "$scratch/home"
		ubuild=$build utests=$tests
		if ! "${priv[@]}" test -x "$build/moat" -a -r "$build/tests/syscalls" -a -x "$build/tests/syscalls"; then
			echo "note: uid 65534 cannot use $build in place: copying it to $scratch/build"
			cp -a "$build" "$scratch/build" && chmod -R a+rX "$scratch/build"
			ubuild=$scratch/build
		fi
		if ! "${priv[@]}" test -r "$tests/run.sh" -a -x "$tests/integration"; then
			echo "note: uid 65534 cannot read $tests: copying it to $scratch/tests"
			cp -a "$tests" "$scratch/tests" && chmod -R a+rX "$scratch/tests"
			utests=$scratch/tests
		fi
		all_suites 65534 "$ubuild" "$utests" "${priv[@]}" env -u TMPDIR HOME="$scratch/home" \
			USER=nobody LOGNAME=nobody
		rm -rf "$scratch"
	fi
fi

echo
echo "=== summary"
printf '%s\n' "${summaries[@]}"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
[ "$total_fail" -eq 0 ]
