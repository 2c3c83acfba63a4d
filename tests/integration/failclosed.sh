#!/usr/bin/env bash
# Never fail open: when the gofer or the sentry dies, the workload dies with
# it and moat exits 125 naming the dead process; nothing is left running.
. "$(dirname "$0")/helpers.sh" "$@"

# kill_helper NAME: start a long workload, SIGKILL moat's helper process
# named NAME (its comm), and check what follows.
kill_helper() {
	local name=$1 out="$T/$1.out" moat_pid helper rc marker="sleep 3$$.5"

	"$MOAT" do -- $marker >"$out" 2>&1 &
	moat_pid=$!
	helper=""
	for _ in $(seq 100); do
		helper=$(pgrep -P "$(pgrep -P "$moat_pid" | head -n 1)" -x "$name" 2>/dev/null | head -n 1)
		[ -n "$helper" ] && pgrep -f "$marker" >/dev/null && break
		sleep 0.1
	done
	if [ -z "$helper" ]; then
		kill -9 "$moat_pid" 2>/dev/null
		fail "${name}_found" "no process named $name under moat"
		return
	fi
	kill -9 "$helper"
	rc=0
	timeout 20 tail --pid="$moat_pid" -f /dev/null || rc=$?
	wait "$moat_pid"
	rc=$?
	assert_eq "${name}_death_exit_125" 125 "$rc"
	assert_contains "${name}_death_named" "$(cat "$out")" "the ${name#moat-} died"
	sleep 0.2
	if pgrep -f "$marker" >/dev/null; then
		fail "${name}_death_workload_gone" "$(pgrep -af "$marker")"
		pkill -9 -f "$marker"
	else
		pass "${name}_death_workload_gone"
	fi
}

kill_helper moat-gofer
kill_helper moat-sentry

# moat itself SIGKILLed: the monitor (whose parent-death signal the kernel
# clears when it switches ids), the sentry, the gofer and the workload go too.
marker="sleep 4$$.5"
"$MOAT" do -- $marker >"$T/moat.out" 2>&1 &
moat_pid=$!
for _ in $(seq 100); do
	monitor=$(pgrep -P "$moat_pid" | head -n 1)
	[ -n "$monitor" ] && pgrep -f "$marker" >/dev/null && break
	sleep 0.1
done
helpers=$([ -n "$monitor" ] && pgrep -P "$monitor")
kill -9 "$moat_pid"
wait "$moat_pid" 2>/dev/null
# running PID...: those of PIDs still running (a zombie has ended).
running() {
	local p
	for p in "$@"; do
		case $(ps -o stat= -p "$p" 2>/dev/null) in '' | Z*) ;; *) ps -o pid=,args= -p "$p" ;; esac
	done
}
left=""
for _ in $(seq 50); do
	left=$(pgrep -af "$marker"; running $monitor $helpers)
	[ -z "$left" ] && break
	sleep 0.1
done
if [ -n "$monitor" ] && [ -z "$left" ]; then
	pass moat_death_nothing_left
else
	fail moat_death_nothing_left "monitor: ${monitor:-not found}" "$left"
	kill -9 $monitor $helpers 2>/dev/null
	pkill -9 -f "$marker"
fi

# An ignored SIGCHLD (inherited across exec) must not cost the exit status:
# the kernel would reap moat's children itself.
# (Output to a file: a broken moat leaves its monitor spinning on ECHILD,
# holding whatever pipe it was given.)
timeout -k 5 20 python3 -c 'import os, signal, sys
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$MOAT" do -- sh -c 'echo ran; exit 3' >"$T/sigchld.out" 2>&1
assert_eq sigchld_ignored_exit_3 3 "$?" "$(cat "$T/sigchld.out")"
assert_eq sigchld_ignored_output ran "$(cat "$T/sigchld.out")"
pkill -9 -f "sh -c echo ran; exit 3" # left only by a broken moat
finish
