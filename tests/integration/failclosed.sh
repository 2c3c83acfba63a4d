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
finish
