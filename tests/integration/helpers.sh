# Shared helpers for tests/integration/*.sh. A test file starts with
#   . "$(dirname "$0")/helpers.sh" "$@"
# and is run as: bash tests/integration/NAME.sh <build-dir>
# (the OCI tests then source oci_helpers.sh, the engine tests
# engine_helpers.sh; tests/run.sh runs neither kind of file as a test).
#
# Each check prints "PASS name", "FAIL name" (with details indented below)
# or "SKIP name: reason"; `finish` prints "N passed, N failed, N skipped" and
# sets the exit status (non-zero if anything failed). Skips never count as
# passes.
#
# Environment: MOAT_TEST_TIMEOUT (seconds per moat run, default 120),
# MOAT_TEST_TMPDIR (where temp dirs go, default /var/tmp: never /tmp),
# MOAT_TEST_KEEP=1 keeps the temp dir, MOAT_TEST_PLATFORM=X adds
# --platform X to every `moat do`.
set -u
# System tools first, so that native and sandboxed runs use the same ones
# (a per-user shim under a 0700 home is not reachable inside the sandbox).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH
export LC_ALL=C

if [ $# -lt 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 <build-dir>" >&2
	exit 2
fi
MOAT_BUILD=$(cd "$1" && pwd)
MOAT=$MOAT_BUILD/moat
MOAT_TIMEOUT=${MOAT_TEST_TIMEOUT:-120}
TEST_FILE=$(basename "$0" .sh)
[ -x "$MOAT" ] || {
	echo "FAIL $TEST_FILE: $MOAT missing or not executable"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
}

# The temp dir is under MOAT_TEST_TMPDIR (default /var/tmp), not /tmp:
# the sandbox gets a fresh /tmp, so paths there would be invisible inside
# and checks like "--tmpfs hides it" would pass for the wrong reason. It is
# 0755 so that the sandbox (whose root user is an unprivileged host uid
# when the caller is root) can reach --rw dirs in it.
T=$(mktemp -d "${MOAT_TEST_TMPDIR:-/var/tmp}/moat-it-$TEST_FILE.XXXXXX") || exit 2
chmod 0755 "$T"
_passed=0 _failed=0 _skipped=0
_cleanup() {
	if [ "${MOAT_TEST_KEEP:-0}" = 1 ]; then
		echo "kept $T"
	else
		chmod -R u+rwx "$T" 2>/dev/null
		rm -rf "$T"
	fi
}
trap _cleanup EXIT

pass() {
	echo "PASS $1"
	_passed=$((_passed + 1))
}

# fail NAME [DETAIL...]: each DETAIL line is printed indented.
fail() {
	echo "FAIL $1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | sed 's/^/    /'
	_failed=$((_failed + 1))
	return 0
}

skip() {
	echo "SKIP $1: $2"
	_skipped=$((_skipped + 1))
}

finish() {
	echo "$_passed passed, $_failed failed, $_skipped skipped"
	[ $_failed -eq 0 ]
	exit
}

# need TOOL...: true if all tools exist; otherwise false (caller skips).
need() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || return 1
	done
}

is_root() { [ "$(id -u)" = 0 ]; }

# tty_timeout CMD...: CMD under timeout(1), quoted for script(1)'s command
# line. --foreground: script runs its command with $SHELL, /bin/sh where none
# is set (as in CI); sh forks timeout, and plain timeout would put CMD in a
# background process group of the pty, where a terminal program stops on
# SIGTTOU and timeout's SIGTERM never ends it. -k still does.
tty_timeout() { printf '%q ' timeout --foreground -k 5 "$MOAT_TIMEOUT" "$@"; }

# need_static_busybox: sets BUSYBOX=/bin/busybox, or SKIPs the whole test
# unless that is busybox-static's binary (it runs in a rootfs with no
# libraries).
need_static_busybox() {
	BUSYBOX=/bin/busybox
	[ -x "$BUSYBOX" ] && ! ldd "$BUSYBOX" >/dev/null 2>&1 ||
		{ skip "$TEST_FILE" "a static /bin/busybox (busybox-static) is needed"; finish; }
}

# moat_do ARGS...: `moat do` with a time limit; status 124 means it hung.
moat_do() {
	local plat=()
	[ -n "${MOAT_TEST_PLATFORM:-}" ] && plat=(--platform "$MOAT_TEST_PLATFORM")
	timeout -k 5 "$MOAT_TIMEOUT" "$MOAT" do "${plat[@]}" "$@"
}

# run_capture OUTVAR ERRVAR STATUSVAR CMD...: runs CMD with stdin from
# /dev/null, captures stdout, stderr and status into the named variables.
run_capture() {
	local __o=$1 __e=$2 __s=$3 __rc
	shift 3
	"$@" </dev/null >"$T/.out" 2>"$T/.err"
	__rc=$?
	printf -v "$__o" '%s' "$(cat "$T/.out")"
	printf -v "$__e" '%s' "$(cat "$T/.err")"
	printf -v "$__s" '%s' "$__rc"
}

assert_eq() { # NAME EXPECTED ACTUAL [CONTEXT...]
	local name=$1 want=$2 got=$3
	shift 3
	if [ "$want" = "$got" ]; then
		pass "$name"
	else
		fail "$name" "expected: $want" "got:      $got" "$@"
	fi
}

assert_contains() { # NAME HAYSTACK NEEDLE [CONTEXT...]
	local name=$1 hay=$2 needle=$3
	shift 3
	case $hay in
	*"$needle"*) pass "$name" ;;
	*) fail "$name" "expected to contain: $needle" "got: $hay" "$@" ;;
	esac
}

assert_not_contains() { # NAME HAYSTACK NEEDLE [CONTEXT...]
	local name=$1 hay=$2 needle=$3
	shift 3
	case $hay in
	*"$needle"*) fail "$name" "must not contain: $needle" "got: $hay" "$@" ;;
	*) pass "$name" ;;
	esac
}

# assert_status NAME EXPECTED CMD...: runs CMD (stdin /dev/null) and checks
# its exit status; stderr is shown on failure.
assert_status() {
	local name=$1 want=$2 out err rc
	shift 2
	run_capture out err rc "$@"
	if [ "$rc" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "expected status $want, got $rc" "stdout: $out" "stderr: $err"
	fi
}

# compare_native NAME SETUP SCRIPT: runs `bash -c SCRIPT` in a fresh
# directory $T/cmp/NAME/work, prepared by the shell function SETUP (run on
# the host, in that directory), first natively and then under
# `moat do --rw $T/cmp/NAME` at the same path; stdout, stderr and the exit
# status must be identical. SCRIPT sees the directory as $PWD and "$W".
compare_native() {
	local name=$1 setup=$2 script=$3 base=$T/cmp/$1 mode rc
	for mode in native sandbox; do
		chmod -R u+rwx "$base" 2>/dev/null
		rm -rf "$base"
		mkdir -p -m 0755 "$base/work"
		chmod 0755 "$T/cmp"
		(cd "$base/work" && "$setup") >"$T/cmp/$name.setup.log" 2>&1 || {
			fail "$name" "setup $setup failed:" "$(cat "$T/cmp/$name.setup.log")"
			return 0
		}
		local -a cmd=(bash -c 'cd "$1" && export W=$1 && eval "$2"' inner "$base/work" "$script")
		if [ $mode = native ]; then
			(cd "$T" && timeout -k 5 "$MOAT_TIMEOUT" "${cmd[@]}")
		else
			(cd "$T" && moat_do --rw "$base" -- "${cmd[@]}")
		fi </dev/null >"$T/cmp/$name.$mode.out" 2>"$T/cmp/$name.$mode.err"
		rc=$?
		{
			echo "--- stderr:"
			cat "$T/cmp/$name.$mode.err"
			echo "--- exit: $rc"
		} >>"$T/cmp/$name.$mode.out"
	done
	if diff -u --label "native/$name" --label "sandbox/$name" "$T/cmp/$name.native.out" \
		"$T/cmp/$name.sandbox.out" >"$T/cmp/$name.diff"; then
		pass "$name"
	else
		fail "$name" "$(head -n 60 "$T/cmp/$name.diff")"
	fi
}
