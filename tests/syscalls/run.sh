#!/usr/bin/env bash
# Differential syscall tests: every program in <build>/tests/syscalls runs
# natively and under `moat do`, each time in a fresh scratch directory at the
# same absolute path, and its stdout plus exit status must be identical.
#
# usage: run.sh <build-dir> [--platform X] [NAME...]
#   NAME...                  run only these programs
#   MOAT_TEST_NATIVE_ONLY=1  run natively twice instead (checks that the
#                            programs are deterministic; proves nothing
#                            about moat, and the summary says so)
#   MOAT_TEST_TIMEOUT=S      per-run time limit (default 60)
#   MOAT_TEST_KEEP=1         keep the temp root for inspection
#   MOAT_TEST_TMPDIR=DIR     where the temp root goes (default /var/tmp;
#                            not /tmp, which the sandbox replaces)
#
# The build dir must be visible inside the sandbox (not under /tmp). The
# temp root is 0755 and every scratch dir is created by the invoking
# user, so the suite works for root and for uid 65534 alike; the programs
# must be readable by the invoking user (build dirs are 0755 by default).
set -u

usage() {
	echo "usage: $0 <build-dir> [--platform X] [NAME...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
build=$(cd "$1" 2>/dev/null && pwd) || {
	echo "run.sh: no such build dir: $1" >&2
	exit 2
}
shift
platform_args=()
only=()
while [ $# -gt 0 ]; do
	case $1 in
	--platform) [ $# -ge 2 ] || usage; platform_args=(--platform "$2"); shift 2 ;;
	--platform=*) platform_args=(--platform "${1#*=}"); shift ;;
	-*) usage ;;
	*) only+=("$1"); shift ;;
	esac
done

bindir=$build/tests/syscalls
moat=$build/moat
native_only=${MOAT_TEST_NATIVE_ONLY:-0}
limit=${MOAT_TEST_TIMEOUT:-60}
[ -d "$bindir" ] || { echo "run.sh: $bindir missing: build the tests first" >&2; exit 2; }
if [ "$native_only" != 1 ] && [ ! -x "$moat" ]; then
	echo "run.sh: $moat missing or not executable" >&2
	exit 2
fi

# Programs whose output legitimately differs natively vs in the sandbox:
# the sandbox run is compared with the native output edited by this filter.
declare -A expect_filter=(
	[dev_listing]='s/^dev: .*/dev: fd full null ptmx pts random shm stderr stdin stdout tty urandom zero/'
)

troot=$(mktemp -d "${MOAT_TEST_TMPDIR:-/var/tmp}/moat-syscalls.XXXXXX") || exit 2
chmod 0755 "$troot"
mkdir -m 0755 "$troot/neutral" "$troot/out"
cleanup() { [ "${MOAT_TEST_KEEP:-0}" = 1 ] && echo "kept $troot" || rm -rf "$troot"; }
trap cleanup EXIT

# fresh_scratch NAME: recreate $troot/w/NAME/scratch, print its parent.
fresh_scratch() {
	local parent=$troot/w/$1
	chmod -R u+rwx "$parent" 2>/dev/null
	rm -rf "$parent"
	mkdir -p -m 0755 "$parent/scratch" && chmod 0755 "$troot/w" && echo "$parent"
}

# run_one MODE NAME OUT: MODE is native or sandbox; writes OUT.stdout,
# OUT.stderr and appends "exit: N" to OUT.stdout.
run_one() {
	local mode=$1 name=$2 out=$3 parent rc
	parent=$(fresh_scratch "$name") || return 1
	(
		cd "$troot/neutral" || exit 125
		if [ "$mode" = sandbox ]; then
			exec timeout -k 5 "$limit" "$moat" do "${platform_args[@]}" --rw "$parent" -- \
				"$bindir/$name" "$parent/scratch"
		fi
		exec timeout -k 5 "$limit" "$bindir/$name" "$parent/scratch"
	) </dev/null >"$out.stdout" 2>"$out.stderr"
	rc=$?
	[ $rc -eq 124 ] && echo "TIMEOUT after ${limit}s" >>"$out.stderr"
	echo "exit: $rc" >>"$out.stdout"
}

passed=0 failed=0 skipped=0
failed_names=()
if [ ${#only[@]} -gt 0 ]; then
	progs=("${only[@]}")
else
	progs=()
	for p in "$bindir"/*; do
		[ -f "$p" ] && [ -x "$p" ] && progs+=("$(basename "$p")")
	done
fi
[ ${#progs[@]} -gt 0 ] || { echo "run.sh: no programs in $bindir" >&2; exit 2; }
[ "$native_only" = 1 ] && echo "NATIVE-ONLY mode: each program runs natively twice; moat is NOT tested"
second=sandbox
[ "$native_only" = 1 ] && second=native

for name in "${progs[@]}"; do
	if [ ! -x "$bindir/$name" ]; then
		echo "FAIL $name (no such program)"
		failed=$((failed + 1)) failed_names+=("$name")
		continue
	fi
	a=$troot/out/$name.native b=$troot/out/$name.$second
	[ "$native_only" = 1 ] && b=$troot/out/$name.native2
	run_one native "$name" "$a"
	run_one "$second" "$name" "$b"
	expected=$a.stdout
	if [ "$second" = sandbox ] && [ -n "${expect_filter[$name]:-}" ]; then
		expected=$a.expected
		sed -e "${expect_filter[$name]}" "$a.stdout" >"$expected"
	fi
	if ! grep -qx 'exit: 0' "$a.stdout"; then
		echo "FAIL $name (native run did not complete: $(tail -n1 "$a.stdout"))"
		sed 's/^/    native stderr: /' "$a.stderr" | head -n 20
		failed=$((failed + 1)) failed_names+=("$name")
	elif diff -u --label "native/$name" --label "$second/$name" "$expected" "$b.stdout" \
		>"$b.diff"; then
		echo "PASS $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		sed 's/^/    /' "$b.diff"
		[ -s "$b.stderr" ] && sed 's/^/    stderr: /' "$b.stderr" | head -n 20
		failed=$((failed + 1)) failed_names+=("$name")
	fi
done

summary="$passed passed, $failed failed"
[ $skipped -gt 0 ] && summary="$summary, $skipped skipped"
[ "$native_only" = 1 ] && summary="NATIVE-ONLY (moat not tested): $summary"
[ $failed -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$summary"
[ $failed -eq 0 ]
