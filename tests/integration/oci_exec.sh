#!/usr/bin/env bash
# moat exec: a further process in a running busybox container, confined as
# its pid 1 is (same namespaces, root, filter, sentry and gofer). Output and
# exit status, the bundle's env/cwd/user as defaults and the options that
# override them, --process, --detach with --pid-file, a terminal, the
# container's pid namespace and files, host paths hidden, fail closed when
# the sentry (or an exec's own sentry) dies, runc's errors, nothing left
# behind. As root with `moat spec`, unprivileged with `moat spec --rootless`.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
OCI_APPLETS=(sh echo cat sleep ls id grep pwd env ps touch tty kill true)

wait_gone() { # PID: up to 10 s
	local i
	for i in $(seq 100); do
		alive "$1" || return 0
		sleep 0.1
	done
	return 1
}

# children PID COMM: the pids of PID's children named COMM.
children() {
	local p
	for p in $(cat "/proc/$1/task/"*/children 2>/dev/null); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"
	done
}

ns_of() { readlink "/proc/$1/ns/pid" 2>/dev/null; }

# The container: waits for /tmp/flag, answers in /tmp/ack, then sleeps.
make_bundle "$T/b" 'd["process"]["args"] = ["sh", "-c", "echo started > /tmp/main; while [ ! -e /tmp/flag ]; do sleep 0.1; done; echo seen > /tmp/ack; exec sleep 1000"]
d["process"]["env"].append("FOO=bar")
d["process"]["cwd"] = "/tmp"
d["root"]["readonly"] = False' || fail bundle
echo "host secret" >"$T/secret"
MOAT_TEST_SECRET=hunter2 run_capture out err rc "${OCI[@]}" run -d -b "$T/b" c1
assert_eq run_detached 0 "$rc" "stderr: $err"
INIT=$(state_field c1 pid)
MONITOR=$(monitor_pid c1)
SENTRY=$(children "$MONITOR" moat-sentry)

# --- output, exit status, signals
run_capture out err rc "${OCI[@]}" exec c1 sh -c 'echo hello; echo oops >&2; exit 5'
assert_eq exec_status 5 "$rc" "stderr: $err"
assert_eq exec_stdout hello "$out"
assert_eq exec_stderr oops "$err"
run_capture out err rc "${OCI[@]}" exec c1 sh -c 'kill -TERM $$'
assert_eq exec_signal_128_plus_n 143 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec c1 no-such-command
assert_eq exec_missing_command_127 127 "$rc" "stderr: $err"

# --- the bundle's process gives the defaults; options override
run_capture out err rc "${OCI[@]}" exec c1 env
assert_contains exec_env_default "$out" "FOO=bar"
assert_not_contains exec_env_not_moats "$out" "MOAT_BUILD"
run_capture out err rc "${OCI[@]}" exec --env FOO=baz -e NEW=1 c1 env
assert_contains exec_env_override "$out" "FOO=baz"
assert_contains exec_env_added "$out" "NEW=1"
run_capture out err rc "${OCI[@]}" exec c1 pwd
assert_eq exec_cwd_default /tmp "$out" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec --cwd /bin c1 pwd
assert_eq exec_cwd_option /bin "$out" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec c1 id
assert_eq exec_user_default "uid=0 gid=0" "$out" "stderr: $err"
if is_root; then
	run_capture out err rc "${OCI[@]}" exec --user 1000:1001 --additional-gids 5 c1 id
	assert_eq exec_user_option "uid=1000 gid=1001 groups=5" "$out" "stderr: $err"
	run_capture out err rc "${OCI[@]}" exec --user 70000 c1 id
else
	run_capture out err rc "${OCI[@]}" exec --user 5 c1 id
fi
assert_eq exec_user_unmapped_255 255 "$rc"
assert_contains exec_user_unmapped_message "$err" "is not mapped in the container"

# --cap adds to the bounding, effective and permitted sets (runc's exec).
# CAP_SYSLOG is bit 34: not in `moat spec`'s default sets.
run_capture out err rc "${OCI[@]}" exec c1 grep CapEff /proc/self/status
eff_before=$(echo "$out" | awk '{print $2}')
run_capture out err rc "${OCI[@]}" exec --cap CAP_SYSLOG c1 grep -E 'Cap(Eff|Prm|Bnd)' /proc/self/status
if python3 -c 'import sys; b = int(sys.argv[1], 16)
sets = {l.split()[0]: int(l.split()[1], 16) for l in sys.argv[2].splitlines()}
ok = all(v & (1 << 34) for v in sets.values()) and len(sets) == 3 and not b & (1 << 34)
sys.exit(0 if ok else 1)' "$eff_before" "$out"; then
	pass exec_cap_added
else
	fail exec_cap_added "before: CapEff $eff_before" "after: $out" "stderr: $err"
fi
run_capture out err rc "${OCI[@]}" exec --cap CAP_NO_SUCH c1 true
assert_eq exec_cap_unknown_255 255 "$rc" "stderr: $err"
assert_contains exec_cap_unknown_message "$err" "--cap CAP_NO_SUCH: unknown capability"

# The exec's sentry acts with the exec'd process's own credentials, not pid 1's.
if is_root; then
	run_capture out err rc "${OCI[@]}" exec c1 sh -c 'echo root > /tmp/rootfile; chmod 644 /tmp/rootfile'
	run_capture out err rc "${OCI[@]}" exec -u 1000:1000 c1 sh -c 'echo user > /tmp/rootfile'
	assert_eq exec_user_creds_enforced 1 "$rc" "stderr: $err"
	assert_contains exec_user_creds_message "$err" "Permission denied"
	assert_eq exec_user_creds_unchanged root "$(cat "$T/b/rootfs/tmp/rootfile" 2>/dev/null)"
fi

# --- --process FILE: the whole process, as runc
cat >"$T/proc.json" <<'EOF'
{"args": ["sh", "-c", "echo from-file A=$A FOO=${FOO:-unset}; pwd"], "env": ["A=1", "PATH=/bin"], "cwd": "/bin"}
EOF
run_capture out err rc "${OCI[@]}" exec --process "$T/proc.json" c1
assert_eq exec_process_file 0 "$rc" "stderr: $err"
assert_eq exec_process_file_output "from-file A=1 FOO=unset"$'\n'"/bin" "$out"
echo '{"args": "sh"}' >"$T/bad.json"
run_capture out err rc "${OCI[@]}" exec -p "$T/bad.json" c1
assert_eq exec_bad_process_file_255 255 "$rc"
assert_contains exec_bad_process_file_message "$err" "args: expected an array"

# --- exactly the fds it was given: 0-2 (3 is ls's own directory), then --preserve-fds
run_capture out err rc "${OCI[@]}" exec c1 ls /proc/self/fd
assert_eq exec_only_stdio_fds "0 1 2 3" "$(echo $out)" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec --preserve-fds 2 c1 ls /proc/self/fd 3</dev/null 4</dev/null
assert_eq exec_preserved_fds "0 1 2 3 4 5" "$(echo $out)" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec --preserve-fds 1 c1 sh -c 'echo through-3 >&3' 3>"$T/fd3"
assert_eq exec_preserve_fds "through-3" "$(cat "$T/fd3")" "stderr: $err"

# --- the container's pid namespace, its files, the same filter and sentry
run_capture out err rc "${OCI[@]}" exec c1 sh -c 'echo $$; cat /tmp/main; grep ^Seccomp /proc/self/status'
assert_contains exec_small_pid_inside "$out" $'\n'"started"
[ "$(echo "$out" | head -1)" -lt 100 ] && pass exec_in_pid_namespace ||
	fail exec_in_pid_namespace "$out"
assert_contains exec_sees_container_files "$out" "started"
assert_contains exec_filtered "$out" $'Seccomp:\t2'
assert_contains exec_one_filter "$out" $'Seccomp_filters:\t1'
run_capture out err rc "${OCI[@]}" exec c1 touch /tmp/flag
for i in $(seq 100); do [ -e "$T/b/rootfs/tmp/ack" ] && break; sleep 0.1; done
assert_eq exec_file_seen_by_pid1 "seen" "$(cat "$T/b/rootfs/tmp/ack" 2>/dev/null)" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec c1 cat "$T/secret"
assert_eq exec_host_path_hidden_1 1 "$rc"
assert_contains exec_host_path_hidden "$err" "No such file"
run_capture out err rc "${OCI[@]}" exec c1 ps
assert_contains exec_ps_sees_container "$out" "sleep 1000"
assert_not_contains exec_ps_hides_host "$out" "oci_exec.sh"
assert_not_contains exec_ps_hides_moat "$out" "moat-sentry"

# moat's own environment (the caller's) is not left readable in pid 1's memory.
run_capture out err rc "${OCI[@]}" exec c1 sh -c 'tr "\\0" " " </proc/1/environ; echo end'
assert_eq exec_reads_pid1_environ 0 "$rc" "stderr: $err"
assert_not_contains pid1_environ_scrubbed "$out" "hunter2"

# --- --detach with --pid-file: moat returns, the process runs on
run_capture out err rc "${OCI[@]}" exec -d --pid-file "$T/exec.pid" c1 sleep 300
assert_eq exec_detach 0 "$rc" "stderr: $err"
EPID=$(cat "$T/exec.pid" 2>/dev/null)
alive "$EPID" && pass exec_detach_running || fail exec_detach_running "pid '$EPID'"
assert_eq exec_detach_pid_namespace "$(ns_of "$INIT")" "$(ns_of "$EPID")"
assert_eq exec_in_container_cgroups "$(cat /proc/$INIT/cgroup)" "$(cat /proc/$EPID/cgroup 2>&1)"
assert_eq exec_cgroup_namespace "$(readlink /proc/$INIT/ns/cgroup)" "$(readlink /proc/$EPID/ns/cgroup)"
[ -n "$(children "$SENTRY" moat-sentry)" ] && pass exec_served_by_own_sentry ||
	fail exec_served_by_own_sentry "sentry $SENTRY: $(cat /proc/$SENTRY/task/*/children)"
kill -9 "$EPID"
wait_gone "$EPID" && pass exec_detach_killed || fail exec_detach_killed
for i in $(seq 50); do [ -z "$(children "$SENTRY" moat-sentry)" ] && break; sleep 0.1; done
assert_eq exec_sentries_end "" "$(children "$SENTRY" moat-sentry)"

# --- a terminal: relayed by moat, or sent to --console-socket
if need script; then
	out=$(timeout -k 5 60 script -qec "$(tty_timeout "$MOAT" --root "$ROOT" exec -t c1 tty)" \
		/dev/null 2>&1)
	assert_contains exec_tty_relayed "$out" "/dev/pts/"
else
	skip exec_tty_relayed "script(1) not installed"
fi
console_listen "$T/console.sock" "$T/console.out"
run_capture out err rc "${OCI[@]}" exec -t -d --console-socket "$T/console.sock" c1 sh -c 'tty; echo done'
assert_eq exec_console_socket 0 "$rc" "stderr: $err"
wait "$recv"
assert_contains exec_console_socket_pty "$(cat "$T/console.out")" "/dev/pts/"
run_capture out err rc "${OCI[@]}" exec -t -d c1 true
assert_eq exec_tty_detach_without_socket_255 255 "$rc"
assert_contains exec_tty_detach_without_socket_message "$err" "console socket"
run_capture out err rc "${OCI[@]}" exec --console-socket "$T/console.sock" c1 true
assert_eq exec_socket_without_tty_255 255 "$rc"

# --- who may hand the monitor a listener
cat >"$T/ask.py" <<'EOF'
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
fd = os.open("/dev/null", os.O_RDONLY)
try:  # a refused peer may find the connection closed already: read the answer anyway
    s.sendmsg([struct.pack("iiI", 1, 0, 0)], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", fd))])
except BrokenPipeError:
    pass
print(struct.unpack("iiI", s.recv(64))[1])
EOF
out=$(python3 "$T/ask.py" "$ROOT/c1/exec.sock" 2>&1)
assert_eq exec_socket_refuses_non_listener -9 "$out" # EBADF: not a seccomp listener
if is_root && need setpriv; then
	# A host uid the container maps (its uid 1), given a way past the 0700
	# directory: SO_PEERCRED shows it as 1, not as the owner.
	out=$(setpriv --reuid=100001 --regid=100001 --clear-groups --inh-caps=+dac_override \
		--ambient-caps=+dac_override python3 "$T/ask.py" "$ROOT/c1/exec.sock" 2>&1)
	assert_eq exec_socket_refuses_other_uid -13 "$out" # EACCES
fi

# --- errors, as runc's
run_capture out err rc "${OCI[@]}" exec nope true
assert_eq exec_unknown_255 255 "$rc"
assert_eq exec_unknown_message 'moat: exec failed: container "nope" does not exist' "$err"
run_capture out err rc "${OCI[@]}" exec c1
assert_eq exec_no_command_255 255 "$rc"
assert_eq exec_no_command_message "moat: exec failed: exec args cannot be empty" "$err"
make_bundle "$T/short" 'd["process"]["args"] = ["true"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/short" c2
wait_status c2 stopped || true
run_capture out err rc "${OCI[@]}" exec c2 true
assert_eq exec_stopped_255 255 "$rc"
assert_eq exec_stopped_message "moat: exec failed: cannot exec in a stopped container" "$err"
"${OCI[@]}" delete c2 >/dev/null 2>&1

# --- a created container takes exec too (runc allows it)
make_bundle "$T/created" 'd["process"]["args"] = ["sleep", "1000"]'
run_capture out err rc "${OCI[@]}" create -b "$T/created" c3
run_capture out err rc "${OCI[@]}" exec c3 sh -c 'echo in-created'
assert_eq exec_created "in-created" "$out" "stderr: $err"
assert_eq exec_created_still_created created "$(state_field c3 status)"
"${OCI[@]}" delete -f c3 >/dev/null 2>&1

# --- fail closed: the container's sentry dies while an exec'd process runs
"${OCI[@]}" exec c1 sleep 300 >/dev/null 2>&1 &
execjob=$!
for i in $(seq 100); do
	EPID=$("${OCI[@]}" ps --format json c1 | python3 -c 'import json,sys; print(max(json.load(sys.stdin)))')
	[ "$(cat /proc/$EPID/comm 2>/dev/null)" = sleep ] && [ "$EPID" != "$(children "$INIT" sleep)" ] && break
	sleep 0.1
done
alive "$EPID" && pass exec_fail_closed_setup || fail exec_fail_closed_setup "pid $EPID"
kill -9 "$SENTRY"
wait_gone "$EPID" && pass exec_dies_with_sentry || fail exec_dies_with_sentry "pid $EPID"
wait "$execjob"
assert_eq exec_killed_status 137 "$?"
wait_status c1 stopped && pass container_dies_with_sentry || fail container_dies_with_sentry
"${OCI[@]}" delete c1 >/dev/null 2>&1

# --- fail closed: an exec's own sentry dies
make_bundle "$T/b2" 'd["process"]["args"] = ["sleep", "1000"]'
"${OCI[@]}" run -d -b "$T/b2" c4 >/dev/null 2>&1
MONITOR=$(monitor_pid c4)
SENTRY=$(children "$MONITOR" moat-sentry)
"${OCI[@]}" exec -d --pid-file "$T/exec4.pid" c4 sleep 300 >/dev/null 2>&1
EPID=$(cat "$T/exec4.pid")
SUB=$(children "$SENTRY" moat-sentry)
[ -n "$SUB" ] && kill -9 $SUB
wait_gone "$EPID" && pass exec_dies_with_its_sentry || fail exec_dies_with_its_sentry "sub '$SUB'"
wait_status c4 stopped && pass container_dies_with_exec_sentry ||
	fail container_dies_with_exec_sentry
"${OCI[@]}" delete c4 >/dev/null 2>&1

# --- nothing left behind
assert_eq root_empty "" "$(ls -A "$ROOT")"
left=$(pgrep -f -- "--root $ROOT" || true)
assert_eq no_processes_left "" "$left" "$(ps -o pid,args -p "${left:-1}" 2>/dev/null)"
finish
