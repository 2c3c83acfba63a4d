#!/usr/bin/env bash
# moat update: new cgroup limits for a running container, as runc update:
# runc's flags (units as docker's: 64M), --resources FILE and - (stdin),
# 0 leaving a value as it is, -1 for unlimited; bad values and bad JSON
# named; a stopped or unknown container refused. Read back from the
# container's cgroup files (cgroup v1 here, v2 where that is what is
# mounted). Unprivileged without a cgroup: refused, saying why.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
OCI_APPLETS=(sh sleep)

# cgfile CONTROLLER V1FILE V2FILE: the container's file for that controller.
cgfile() {
	local rel
	rel=$(sed -nE "s/^[0-9]+:([^:]*,)?$1(,[^:]*)?:(.*)/\3/p" "/proc/$P/cgroup")
	if [ -n "$rel" ] && [ -e "/sys/fs/cgroup/$1$rel/$2" ]; then
		echo "/sys/fs/cgroup/$1$rel/$2"
		return
	fi
	rel=$(sed -n 's/^0:://p' "/proc/$P/cgroup")
	echo "/sys/fs/cgroup$rel/$3"
}
value() { cat "$1" 2>&1; }

make_bundle "$T/b" 'd["process"]["args"] = ["sleep", "1000"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/b" u1
assert_eq run_detached 0 "$rc" "stderr: $err"
P=$(state_field u1 pid)

run_capture out err rc "${OCI[@]}" update --memory 64M --pids-limit 42 u1
if [ "$rc" != 0 ] && ! is_root; then
	assert_contains update_without_cgroup_message "$err" "no cgroup"
	skip oci_update "no cgroup for an unprivileged container here"
	"${OCI[@]}" delete --force u1 >/dev/null 2>&1
	finish
fi
assert_eq update_flags_0 0 "$rc" "stderr: $err"
MEM=$(cgfile memory memory.limit_in_bytes memory.max)
PIDS=$(cgfile pids pids.max pids.max)
assert_eq update_memory_64M 67108864 "$(value "$MEM")"
assert_eq update_pids_42 42 "$(value "$PIDS")"

# --resources from stdin: 0 leaves the memory limit as it is
run_capture out err rc sh -c "echo '{\"pids\": {\"limit\": 7}, \"memory\": {\"limit\": 0}}' |
	$(printf '%q ' "${OCI[@]}") update -r - u1"
assert_eq update_stdin_0 0 "$rc" "stderr: $err"
assert_eq update_stdin_pids_7 7 "$(value "$PIDS")"
assert_eq update_zero_unchanged 67108864 "$(value "$MEM")"

# --resources FILE; the other options are then ignored (runc)
echo '{"memory": {"limit": 33554432}}' >"$T/res.json"
run_capture out err rc "${OCI[@]}" update -r "$T/res.json" --pids-limit 99 u1
assert_eq update_file_0 0 "$rc" "stderr: $err"
assert_eq update_file_memory 33554432 "$(value "$MEM")"
assert_eq update_file_ignores_flags 7 "$(value "$PIDS")"

# -1: unlimited
run_capture out err rc "${OCI[@]}" update --pids-limit -1 u1
assert_eq update_unlimited_0 0 "$rc" "stderr: $err"
assert_eq update_pids_max max "$(value "$PIDS")"

# memory+swap (v1, where swap is accounted): the writes are ordered so the
# kernel's memsw >= memory holds at each step, as runc orders them
MEMSW=${MEM%/*}/memory.memsw.limit_in_bytes
if [ -e "$MEMSW" ]; then
	run_capture out err rc "${OCI[@]}" update --memory 64M --memory-swap 256M u1
	assert_eq update_swap_raise 0 "$rc" "stderr: $err"
	assert_eq update_swap_values "67108864 268435456" "$(cat "$MEM" "$MEMSW" | xargs)"
	run_capture out err rc "${OCI[@]}" update --memory 128M --memory-swap 160M u1
	assert_eq update_swap_lower 0 "$rc" "stderr: $err"
	assert_eq update_swap_values_2 "134217728 167772160" "$(cat "$MEM" "$MEMSW" | xargs)"
	run_capture out err rc "${OCI[@]}" update --memory -1 u1
	assert_eq update_memory_unlimited 0 "$rc" "stderr: $err"
	assert_eq update_unlimited_both "$(cat "${MEM%/*/*}/memory.limit_in_bytes") $(cat "${MEM%/*/*}/memory.memsw.limit_in_bytes")" \
		"$(cat "$MEM" "$MEMSW" | xargs)"
	"${OCI[@]}" update --memory 32M u1 >/dev/null 2>&1
else
	skip update_swap "no memory.memsw.limit_in_bytes (swap accounting off, or cgroup v2)"
fi

# errors, named
printf '{"cpu": {\n  "shares": "x"}}\n' >"$T/bad.json"
run_capture out err rc "${OCI[@]}" update -r "$T/bad.json" u1
assert_eq update_bad_json_1 1 "$rc"
assert_contains update_bad_json_field "$err" "cpu.shares: expected an integer"
assert_contains update_bad_json_file "$err" "$T/bad.json: line 2"
run_capture out err rc "${OCI[@]}" update --memory 12q u1
assert_eq update_bad_value_1 1 "$rc"
assert_eq update_bad_value_message 'moat: invalid value for memory: "12q"' "$err"
run_capture out err rc "${OCI[@]}" update --l3-cache-schema L3:0=f u1
assert_eq update_rdt_1 1 "$rc"
assert_contains update_rdt_message "$err" "Intel RDT is not supported"
assert_eq update_errors_changed_nothing 33554432 "$(value "$MEM")"
run_capture out err rc "${OCI[@]}" update u1 extra
assert_eq update_usage_1 1 "$rc"

"${OCI[@]}" kill u1 KILL >/dev/null 2>&1
wait_status u1 stopped || true
run_capture out err rc "${OCI[@]}" update --memory 1M u1
assert_eq update_stopped_1 1 "$rc"
assert_eq update_stopped_message "moat: container not running" "$err"
"${OCI[@]}" delete u1 >/dev/null 2>&1
run_capture out err rc "${OCI[@]}" update --memory 1M nope
assert_eq update_unknown_1 1 "$rc"
assert_eq update_unknown_message 'moat: container "nope" does not exist' "$err"
assert_eq root_empty "" "$(ls "$ROOT")"
finish
