#!/usr/bin/env bash
# moat ps: the container's processes (pid 1, its descendants, exec'd
# processes; not moat's monitor, gofer or sentry) as host pids, in JSON or
# as ps(1)'s table filtered to them; runc's errors. As root and unprivileged.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

need python3 ps || { skip oci_ps "python3 and ps(1) are needed"; finish; }
oci_setup
OCI_APPLETS=(sh sleep true)

# json_has JSON PID: is PID in the JSON array?
json_has() { python3 -c 'import json,sys; sys.exit(int(sys.argv[2]) not in json.loads(sys.argv[1]))' "$1" "$2"; }

make_bundle "$T/b" 'd["process"]["args"] = ["sh", "-c", "sleep 1001 & sleep 1002"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/b" p1
assert_eq run_detached 0 "$rc" "stderr: $err"
INIT=$(state_field p1 pid)
MONITOR=$(monitor_pid p1)
for i in $(seq 50); do pgrep -f "sleep 1002" >/dev/null && break; sleep 0.1; done
"${OCI[@]}" exec -d --pid-file "$T/exec.pid" p1 sleep 1003 >/dev/null 2>&1
EPID=$(cat "$T/exec.pid" 2>/dev/null)

# --- JSON: host pids of the container's processes, nothing of moat's
run_capture out err rc "${OCI[@]}" ps --format json p1
assert_eq ps_json_status 0 "$rc" "stderr: $err"
json_has "$out" "$INIT" && pass ps_json_has_pid1 || fail ps_json_has_pid1 "$out"
json_has "$out" "$EPID" && pass ps_json_has_exec || fail ps_json_has_exec "$out (exec $EPID)"
n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$out")
assert_eq ps_json_count 3 "$n" "$out" # two sleeps (pid 1 is sh, which execs the last), the exec'd one
json_has "$out" "$MONITOR" && fail ps_json_not_monitor "$out" || pass ps_json_not_monitor
for p in $(cat /proc/$MONITOR/task/*/children); do
	[ "$p" = "$INIT" ] && continue
	json_has "$out" "$p" && fail "ps_json_not_$(cat /proc/$p/comm)" "$out" ||
		pass "ps_json_not_$(cat /proc/$p/comm)"
done
run_capture out2 err rc "${OCI[@]}" ps -f json p1
assert_eq ps_short_format_option "$out" "$out2"

# --- table: ps -ef, filtered to those pids
run_capture out err rc "${OCI[@]}" ps p1
assert_eq ps_table_status 0 "$rc" "stderr: $err"
assert_contains ps_table_header "$(echo "$out" | head -1)" "PID"
assert_contains ps_table_sleep1 "$out" "sleep 1001"
assert_contains ps_table_sleep2 "$out" "sleep 1002"
assert_contains ps_table_exec "$out" "sleep 1003"
assert_eq ps_table_rows 4 "$(echo "$out" | wc -l)" "$out"
assert_not_contains ps_table_filtered "$out" "oci_ps.sh"
run_capture out err rc "${OCI[@]}" ps p1 -- -e -o pid,comm
assert_eq ps_options_header "PID COMMAND" "$(echo "$out" | head -1 | xargs)" "$out"
assert_eq ps_options_rows 4 "$(echo "$out" | wc -l)" "$out"
run_capture out err rc "${OCI[@]}" ps p1 -e -o comm
assert_eq ps_no_pid_column_1 1 "$rc"
assert_eq ps_no_pid_column_message "moat: couldn't find PID field in ps output" "$err"

# --- errors
run_capture out err rc "${OCI[@]}" ps nope
assert_eq ps_unknown_1 1 "$rc"
assert_eq ps_unknown_message 'moat: container "nope" does not exist' "$err"
run_capture out err rc "${OCI[@]}" ps --format yaml p1
assert_eq ps_bad_format_1 1 "$rc"
assert_contains ps_bad_format_message "$err" 'invalid format option "yaml"'
make_bundle "$T/short" 'd["process"]["args"] = ["true"]'
"${OCI[@]}" run -d -b "$T/short" p2 >/dev/null 2>&1
wait_status p2 stopped
# Stopped: no processes, and success (runc's behaviour).
run_capture out err rc "${OCI[@]}" ps p2
assert_eq ps_stopped_0 0 "$rc" "stderr: $err"
assert_eq ps_stopped_header_only 1 "$(echo "$out" | wc -l)" "$out"
assert_contains ps_stopped_header "$out" "PID"
run_capture out err rc "${OCI[@]}" ps --format json p2
assert_eq ps_stopped_json "[]" "$out" "stderr: $err"

# --- nothing left behind
"${OCI[@]}" delete -f p1 >/dev/null 2>&1
"${OCI[@]}" delete p2 >/dev/null 2>&1
assert_eq root_empty "" "$(ls -A "$ROOT")"
left=$(pgrep -f -- "--root $ROOT" || true)
assert_eq no_processes_left "" "$left" "$(ps -o pid,args -p "${left:-1}" 2>/dev/null)"
# Gone, not even a zombie left.
exists() { kill -0 "$1" 2>/dev/null; }
for i in $(seq 50); do exists "$EPID" || break; sleep 0.1; done
exists "$EPID" && fail exec_process_gone "$EPID" || pass exec_process_gone
finish
