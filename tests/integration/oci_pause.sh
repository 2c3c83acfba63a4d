#!/usr/bin/env bash
# moat pause / resume: the container's cgroup frozen and thawed (v1 freezer,
# else cgroup v2), status "paused" in state and list, runc's rules and
# messages in each state (pause twice, resume a running one, exec, delete
# without --force, start), kill KILL and delete --force of a paused
# container, nothing left behind. The sentry and gofer are not frozen (they
# are not in the container's cgroup). Unprivileged without a cgroup:
# refused, saying why.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
OCI_APPLETS=(sh sleep cat true)

# A counter the container bumps every 50 ms, read from the host.
make_bundle "$T/b" 'd["root"]["readonly"] = False
d["process"]["args"] = ["sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/b" p1
assert_eq run_detached 0 "$rc" "stderr: $err"
P=$(state_field p1 pid)
counter() { cat "/proc/$P/root/tmp/n" 2>/dev/null; }
for _ in $(seq 50); do [ -n "$(counter)" ] && break; sleep 0.1; done

run_capture out err rc "${OCI[@]}" pause p1
if [ "$rc" != 0 ] && ! is_root; then
	assert_contains pause_without_cgroup_message "$err" "no cgroup"
	assert_eq pause_without_cgroup_status running "$(state_field p1 status)"
	skip oci_pause "no cgroup for an unprivileged container here"
	"${OCI[@]}" delete --force p1 >/dev/null 2>&1
	finish
fi
assert_eq pause_status_0 0 "$rc" "stderr: $err"
assert_eq state_paused paused "$(state_field p1 status)"
run_capture out err rc "${OCI[@]}" list --format json
assert_contains list_paused "$out" '"status":"paused"'
a=$(counter)
sleep 0.5
assert_eq frozen_no_progress "$a" "$(counter)"

# runc's answers in the paused state
run_capture out err rc "${OCI[@]}" pause p1
assert_eq pause_twice_1 1 "$rc"
assert_eq pause_twice_message "moat: container already paused" "$err"
run_capture out err rc "${OCI[@]}" exec p1 true
assert_eq exec_paused_255 255 "$rc"
assert_contains exec_paused_message "$err" "cannot exec in a paused container"
run_capture out err rc "${OCI[@]}" delete p1
assert_eq delete_paused_1 1 "$rc"
assert_eq delete_paused_message "moat: cannot delete container p1 that is not stopped: paused" "$err"
run_capture out err rc "${OCI[@]}" start p1
assert_eq start_paused_1 1 "$rc"
assert_contains start_paused_message "$err" "paused"

# exec --ignore-paused: the process starts once the container is resumed
"${OCI[@]}" exec --ignore-paused p1 sh -c 'echo in > /tmp/ignored' >/dev/null 2>&1 &
ignored=$!
sleep 0.5
[ ! -e "/proc/$P/root/tmp/ignored" ] && pass exec_ignore_paused_waits ||
	fail exec_ignore_paused_waits "ran while paused"

run_capture out err rc "${OCI[@]}" resume p1
assert_eq resume_status_0 0 "$rc" "stderr: $err"
wait "$ignored"
assert_eq exec_ignore_paused_status 0 "$?"
assert_eq exec_ignore_paused_ran in "$(cat "/proc/$P/root/tmp/ignored" 2>&1)"
assert_eq state_running_again running "$(state_field p1 status)"
a=$(counter)
sleep 0.5
[ "$(counter)" != "$a" ] && pass thawed_progress || fail thawed_progress "counter stayed at $a"
run_capture out err rc "${OCI[@]}" resume p1
assert_eq resume_running_1 1 "$rc"
assert_eq resume_running_message "moat: container not paused" "$err"

# kill KILL ends a paused container (a frozen v1 task dies only once thawed)
"${OCI[@]}" pause p1 >/dev/null 2>&1
run_capture out err rc "${OCI[@]}" kill p1 KILL
assert_eq kill_paused_0 0 "$rc" "stderr: $err"
wait_status p1 stopped && pass kill_paused_stops || fail kill_paused_stops "$(state_field p1 status)"
run_capture out err rc "${OCI[@]}" pause p1
assert_eq pause_stopped_1 1 "$rc"
assert_eq pause_stopped_message "moat: container not running" "$err"
run_capture out err rc "${OCI[@]}" delete p1
assert_eq delete_after_kill 0 "$rc" "stderr: $err"

# delete --force of a paused container, and a created one paused
make_bundle "$T/c" 'd["process"]["args"] = ["sleep", "1000"]'
"${OCI[@]}" run -d -b "$T/c" p2 >/dev/null 2>&1
"${OCI[@]}" pause p2 >/dev/null 2>&1
run_capture out err rc "${OCI[@]}" delete --force p2
assert_eq delete_force_paused 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" create -b "$T/c" p3
assert_eq create_p3 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" pause p3
assert_eq pause_created 0 "$rc" "stderr: $err"
"${OCI[@]}" resume p3 >/dev/null 2>&1
assert_eq resume_created_is_created created "$(state_field p3 status)"
"${OCI[@]}" delete --force p3 >/dev/null 2>&1

run_capture out err rc "${OCI[@]}" pause nope
assert_eq pause_unknown_1 1 "$rc"
assert_eq pause_unknown_message 'moat: container "nope" does not exist' "$err"
assert_eq root_empty "" "$(ls "$ROOT")"
assert_eq no_processes_left "" "$(pgrep -a -f "$T" | grep -v pgrep)"
finish
