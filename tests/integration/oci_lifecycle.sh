#!/usr/bin/env bash
# The OCI lifecycle: moat run|create|start|state|kill|delete|list on a
# busybox bundle, runc's errors (duplicate id, unknown id, wrong state,
# malformed config.json, missing rootfs), and nothing left behind. As root
# with `moat spec`, unprivileged with `moat spec --rootless`.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
OCI_APPLETS=(sh echo cat sleep ls id grep hostname pwd env stat tty)

# --- run: the exit status, stdout, the bundle's env, hostname, cwd, trapping
make_bundle "$T/run" 'd["process"]["args"] = ["sh", "-c", "echo hello; echo HOST=$(hostname); echo FOO=$FOO; pwd; id -u; grep ^Seccomp: /proc/self/status; exit 3"]
d["process"]["env"].append("FOO=bar")
d["process"]["cwd"] = "/tmp"' || fail run_bundle
run_capture out err rc "${OCI[@]}" run -b "$T/run" r1
assert_eq run_exit_status 3 "$rc" "stderr: $err"
assert_contains run_stdout "$out" "hello"
assert_contains run_hostname "$out" "HOST=moat"
assert_contains run_env "$out" "FOO=bar"
assert_contains run_cwd "$out" "/tmp"
assert_contains run_root_inside "$out" $'\n0\n'
# Mode 2 is a seccomp filter: the workload is trapped as under `moat do`.
assert_contains run_filtered "$out" $'Seccomp:\t2'
[ ! -e "$ROOT/r1" ] && pass run_removes_state || fail run_removes_state "$(ls -la "$ROOT")"

# A missing command: 127, as a shell.
make_bundle "$T/nocmd" 'd["process"]["args"] = ["no-such-command"]'
run_capture out err rc "${OCI[@]}" run -b "$T/nocmd" r2
assert_eq run_missing_command_127 127 "$rc" "stderr: $err"

# process.user (root only: an unprivileged caller has one id inside).
if is_root; then
	make_bundle "$T/user" 'd["process"]["args"] = ["id"]
d["process"]["user"] = {"uid": 1000, "gid": 1000}'
	run_capture out err rc "${OCI[@]}" run -b "$T/user" r3
	assert_eq run_process_user "uid=1000 gid=1000" "$out" "stderr: $err"
else
	skip run_process_user "needs root (a rootless container has one id)"
fi

# --- create, state, start, kill, delete
# pid 1 is the process itself (as with runc): a signal it has no handler for
# does nothing (see c2 below), so this one traps TERM.
make_bundle "$T/life" 'd["process"]["args"] = ["sh", "-c", "trap \"exit 143\" TERM; sleep 1000 & wait"]'
run_capture out err rc "${OCI[@]}" create -b "$T/life" --pid-file "$T/life.pid" c1
assert_eq create_status_0 0 "$rc" "stderr: $err"
assert_eq create_quiet "" "$out"
assert_eq state_created created "$(state_field c1 status)"
pid=$(state_field c1 pid)
monitor=$(monitor_pid c1)
# --pid-file names the monitor: the process an engine's subreaper reaps, whose
# exit status is the container's (pid 1 is the monitor's child, not the engine's).
assert_eq pid_file_is_monitor "$monitor" "$(cat "$T/life.pid" 2>/dev/null)"
alive "$pid" && pass created_init_alive || fail created_init_alive "pid $pid"
assert_eq state_id c1 "$(state_field c1 id)"
assert_eq state_bundle "$T/life" "$(state_field c1 bundle)"
assert_eq state_rootfs "$T/life/rootfs" "$(state_field c1 rootfs)"
run_capture out err rc "${OCI[@]}" list -q
assert_eq list_quiet c1 "$out"
run_capture out err rc "${OCI[@]}" list --format json
assert_contains list_json "$out" '"status":"created"'

# Duplicate id, and nothing of the running one is touched.
run_capture out err rc "${OCI[@]}" create -b "$T/life" c1
assert_eq duplicate_status_1 1 "$rc"
assert_contains duplicate_message "$err" 'container with id "c1" already exists'
assert_eq duplicate_keeps_first created "$(state_field c1 status)"

run_capture out err rc "${OCI[@]}" start c1
assert_eq start_status_0 0 "$rc" "stderr: $err"
assert_eq state_running running "$(state_field c1 status)"
assert_eq state_pid_is_the_process "sh -c trap" "$(tr '\0' ' ' <"/proc/$pid/cmdline" | cut -d' ' -f1-3)"
[ ! -e "$ROOT/c1/exec.fifo" ] && pass start_removes_fifo || fail start_removes_fifo
run_capture out err rc "${OCI[@]}" start c1
assert_eq start_twice_fails 1 "$rc"
assert_contains start_twice_message "$err" "cannot start an already running container"

run_capture out err rc "${OCI[@]}" delete c1
assert_eq delete_running_fails 1 "$rc"
assert_contains delete_running_message "$err" "cannot delete container c1 that is not stopped: running"
assert_eq delete_running_keeps_it running "$(state_field c1 status)"

run_capture out err rc "${OCI[@]}" kill c1 TERM
assert_eq kill_status_0 0 "$rc" "stderr: $err"
wait_status c1 stopped && pass state_stopped_after_kill ||
	fail state_stopped_after_kill "status: $(state_field c1 status)"
assert_eq state_stopped_pid_0 0 "$(state_field c1 pid)"
run_capture out err rc "${OCI[@]}" kill c1
assert_eq kill_stopped_fails 1 "$rc"
assert_contains kill_stopped_message "$err" "container not running"
run_capture out err rc "${OCI[@]}" kill --all c1 0 # runc: --all on a stopped container succeeds
assert_eq kill_all_stopped_0 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" delete c1
assert_eq delete_stopped 0 "$rc" "stderr: $err"
[ ! -e "$ROOT/c1" ] && pass delete_removes_state || fail delete_removes_state
! alive "$pid" && pass delete_no_init || fail delete_no_init "pid $pid"
sleep 0.2
[ -n "$monitor" ] && ! alive "$monitor" && pass delete_no_monitor || fail delete_no_monitor "pid $monitor"

# --- delete --force of a running container; kill by number; run -d
make_bundle "$T/force" 'd["process"]["args"] = ["sleep", "1000"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/force" c2
assert_eq run_detach_status_0 0 "$rc" "stderr: $err"
assert_eq run_detach_running running "$(state_field c2 status)"
pid=$(state_field c2 pid)
run_capture out err rc "${OCI[@]}" kill c2 0
assert_eq kill_signal_0 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" kill c2 SIGNOPE
assert_eq kill_bad_signal 1 "$rc"
# A pid 1 without a handler for TERM ignores it (the kernel's rule for a
# pid namespace's init; runc's containers behave the same): KILL ends it.
run_capture out err rc "${OCI[@]}" kill c2 TERM
sleep 0.3
assert_eq kill_term_pid1_without_handler running "$(state_field c2 status)"
run_capture out err rc "${OCI[@]}" delete --force c2
assert_eq delete_force 0 "$rc" "stderr: $err"
[ ! -e "$ROOT/c2" ] && ! alive "$pid" && pass delete_force_leaves_nothing ||
	fail delete_force_leaves_nothing "$(ls "$ROOT")"

# A created container can be deleted (runc's behaviour), killing its pid 1.
run_capture out err rc "${OCI[@]}" create -b "$T/force" c3
pid=$(state_field c3 pid)
run_capture out err rc "${OCI[@]}" delete c3
assert_eq delete_created 0 "$rc" "stderr: $err"
[ ! -e "$ROOT/c3" ] && ! alive "$pid" && pass delete_created_leaves_nothing ||
	fail delete_created_leaves_nothing

# --- the monitor SIGKILLed: pid 1 goes too, even one whose ids changed
# (the kernel then clears the parent-death signal; pid 1 sets it again).
if is_root; then
	make_bundle "$T/userkill" 'd["process"]["args"] = ["sleep", "1004"]
d["process"]["user"] = {"uid": 1000, "gid": 1000}'
	run_capture out err rc "${OCI[@]}" run -d -b "$T/userkill" c4
	assert_eq monitor_death_run_0 0 "$rc" "stderr: $err"
	pid=$(state_field c4 pid)
	kill -9 "$(monitor_pid c4)"
	for _ in $(seq 30); do alive "$pid" || break; sleep 0.1; done
	! alive "$pid" && pass monitor_death_ends_pid1 || fail monitor_death_ends_pid1 "pid $pid"
	"${OCI[@]}" delete -f c4 >/dev/null 2>&1
	# In the foreground, moat also ends pid 1 itself when the monitor dies.
	"${OCI[@]}" run -b "$T/userkill" c5 >/dev/null 2>&1 &
	for _ in $(seq 50); do [ "$(state_field c5 status)" = running ] && break; sleep 0.1; done
	pid=$(state_field c5 pid)
	kill -9 "$(monitor_pid c5)"
	wait $!
	assert_eq monitor_death_foreground_125 125 "$?"
	for _ in $(seq 30); do alive "$pid" || break; sleep 0.1; done
	! alive "$pid" && pass monitor_death_foreground_ends_pid1 ||
		fail monitor_death_foreground_ends_pid1 "pid $pid"
	"${OCI[@]}" delete -f c5 >/dev/null 2>&1
else
	skip monitor_death "needs root (a rootless container has one id: no id switch in pid 1)"
fi

# --- errors
for cmd in state start kill delete; do
	run_capture out err rc "${OCI[@]}" $cmd nope
	assert_eq "${cmd}_unknown_status_1" 1 "$rc"
	assert_contains "${cmd}_unknown_message" "$err" 'container "nope" does not exist'
done

mkdir -p "$T/bad"
printf '{\n  "ociVersion": "1.2.0",\n  "process": {"args": ["sh"],, "cwd": "/"},\n  "root": {"path": "rootfs"}\n}\n' >"$T/bad/config.json"
run_capture out err rc "${OCI[@]}" create -b "$T/bad" b1
assert_eq bad_config_status_1 1 "$rc"
assert_contains bad_config_names_file "$err" "$T/bad/config.json: line 3, column"
assert_contains bad_config_invalid_json "$err" "invalid JSON"
[ ! -e "$ROOT/b1" ] && pass bad_config_no_state || fail bad_config_no_state

make_bundle "$T/typo" 'd["process"]["user"]["uid"] = "zero"'
run_capture out err rc "${OCI[@]}" run -b "$T/typo" b2
assert_eq bad_type_status_1 1 "$rc"
assert_contains bad_type_message "$err" "process.user.uid: expected an integer, got string"

make_bundle "$T/noroot" 'd["root"]["path"] = "missing"'
run_capture out err rc "${OCI[@]}" create -b "$T/noroot" b3
assert_eq missing_rootfs_status_1 1 "$rc"
assert_contains missing_rootfs_message "$err" "rootfs (\"$T/noroot/missing\") does not exist"
[ ! -e "$ROOT/b3" ] && pass missing_rootfs_no_state || fail missing_rootfs_no_state

run_capture out err rc "${OCI[@]}" create -b "$T/life" 'bad/id'
assert_eq bad_id_status_1 1 "$rc"
assert_contains bad_id_message "$err" 'invalid container id'

run_capture out err rc timeout 10 "$MOAT" --systemd-cgroup --root "$ROOT" list
assert_eq systemd_cgroup_status_1 1 "$rc"
assert_eq systemd_cgroup_message "moat: --systemd-cgroup: not supported" "$err"

# A failed set-up leaves nothing: a terminal without a console socket.
make_bundle "$T/tty" 'd["process"]["terminal"] = True
d["process"]["args"] = ["sh", "-c", "ls -l /proc/self/fd/0; echo done"]'
run_capture out err rc "${OCI[@]}" create -b "$T/tty" t1
assert_eq tty_without_socket_1 1 "$rc"
assert_contains tty_without_socket_message "$err" "console socket"

# --- process.terminal: the pty master goes to --console-socket (SCM_RIGHTS)
console_listen "$T/console.sock" "$T/console.out"
run_capture out err rc "${OCI[@]}" create -b "$T/tty" --console-socket "$T/console.sock" t2
assert_eq console_socket_create 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" start t2
assert_eq console_socket_start 0 "$rc" "stderr: $err"
wait "$recv"
assert_contains console_socket_pty "$(cat "$T/console.out")" "/dev/pts/0"
wait_status t2 stopped || true
run_capture out err rc "${OCI[@]}" delete t2
assert_eq console_socket_delete 0 "$rc" "stderr: $err"

# The terminal belongs to the process's uid and to group tty (5), as runc
# makes it (unprivileged only uid and gid 0 exist: 0:0).
if is_root; then
	tty_user='d["process"]["user"] = {"uid": 1000, "gid": 1000}' tty_owner=1000:5
else
	tty_user='' tty_owner=0:0
fi
make_bundle "$T/ttyown" "d[\"process\"][\"terminal\"] = True
$tty_user
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"stat -c owner=%u:%g \$(tty); echo done\"]"
rm -f "$T/console.sock"
console_listen "$T/console.sock" "$T/console.out"
run_capture out err rc "${OCI[@]}" run -d -b "$T/ttyown" --console-socket "$T/console.sock" t3
assert_eq tty_owner_run 0 "$rc" "stderr: $err"
wait "$recv"
assert_contains tty_owner "$(cat "$T/console.out")" "owner=$tty_owner"
wait_status t3 stopped || true
"${OCI[@]}" delete --force t3 >/dev/null 2>&1

# --- hooks in the runtime's namespaces, with the state on stdin
make_bundle "$T/hooks" 'd["process"]["args"] = ["true"]
h = lambda name: [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \"$0\"", "'"$T"'/hook." + name]}]
d["hooks"] = {k: h(k) for k in ("prestart", "createRuntime", "poststart", "poststop")}'
ln -sf busybox "$T/hooks/rootfs/bin/true"
run_capture out err rc "${OCI[@]}" run -b "$T/hooks" h1
assert_eq hooks_run 0 "$rc" "stderr: $err"
for k in prestart createRuntime poststart poststop; do
	assert_contains "hook_$k" "$(cat "$T/hook.$k" 2>/dev/null)" '"id":"h1"'
done
assert_contains hook_poststart_running "$(cat "$T/hook.poststart" 2>/dev/null)" '"status":"running"'
make_bundle "$T/badhook" 'd["hooks"] = {"createRuntime": [{"path": "/bin/false"}]}'
run_capture out err rc "${OCI[@]}" create -b "$T/badhook" h2
assert_eq failing_hook_status_1 1 "$rc"
assert_contains failing_hook_message "$err" "createRuntime hook /bin/false: exit status 1"
[ ! -e "$ROOT/h2" ] && pass failing_hook_no_state || fail failing_hook_no_state

# --- --log: created by any command, every line with a level (logfmt or JSON)
make_bundle "$T/logged" 'd["process"]["args"] = ["sh", "-c", "exit 0"]'
run_capture out err rc "${OCI[@]}" --debug --log "$T/debug.log" run -b "$T/logged" logged
assert_eq log_run_status 0 "$rc" "stderr: $err"
assert_contains log_debug_lines "$(cat "$T/debug.log" 2>&1)" 'level=debug msg="'
run_capture out err rc "${OCI[@]}" --log "$T/json.log" --log-format json state nope
assert_contains log_json_error "$(cat "$T/json.log" 2>&1)" '{"level":"error","msg":"container \"nope\" does not exist"'
run_capture out err rc "${OCI[@]}" --log "$T/empty.log" list -q
[ -f "$T/empty.log" ] && pass log_file_created || fail log_file_created "no $T/empty.log"
run_capture out err rc "${OCI[@]}" --log "$T/no-such-dir/x.log" list
assert_eq log_unwritable_1 1 "$rc"
assert_contains log_unwritable_message "$err" "--log $T/no-such-dir/x.log: No such file or directory"

# --- nothing left behind
assert_eq root_empty "" "$(ls -A "$ROOT")"
left=$(pgrep -f -- "--root $ROOT" || true)
assert_eq no_processes_left "" "$left" "$(ps -o pid,args -p "${left:-1}" 2>/dev/null)"
finish
