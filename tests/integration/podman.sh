#!/usr/bin/env bash
# podman driving moat exactly as it drives runc: `podman --runtime <build>/moat`
# (conmon calls moat create --bundle --pid-file [--console-socket], start,
# kill, delete --force). A busybox image is imported from a local tar (no
# registry); podman's storage, run root and tmpdir live in the test's temp
# dir (vfs driver: no mounts), cgroups through cgroupfs (no systemd here),
# events to a file, --network none (no netavark). moat's own state goes
# where podman sends runc's: moat's default root (/run/moat as root,
# $XDG_RUNTIME_DIR/moat rootless, here the test's), since podman passes no
# --root to the runtime; the test checks that nothing of its containers is
# left there. As an unprivileged user the same items run with rootless
# podman (no subordinate id range for 65534 here: a single mapping).
#
# Items that need parts of moat not merged yet (exec, cgroup limits) probe
# the build under test and SKIP with the reason while the part is missing.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/engine_helpers.sh"

need podman conmon python3 script || {
	skip podman "podman, conmon, python3 or script not installed (scripts/deps.sh)"
	finish
}
need_static_busybox

PT=$T/podman
mkdir -p "$PT/tmp"
PODMAN_CMD=(podman --root "$PT/root" --runroot "$PT/runroot"
	--tmpdir "$PT/tmp" --storage-driver vfs --cgroup-manager cgroupfs --events-backend file
	--runtime "$MOAT")
PODMAN=(timeout -k 5 "$MOAT_TIMEOUT" "${PODMAN_CMD[@]}")
# The same with podman's default storage driver (overlay), in a store of its own.
PODMAN_OVL=(timeout -k 5 "$MOAT_TIMEOUT" podman --root "$PT/oroot" --runroot "$PT/orunroot"
	--tmpdir "$PT/tmp" --storage-driver overlay --cgroup-manager cgroupfs --events-backend file
	--runtime "$MOAT")
IMG=localhost/moat-test-busybox:latest
# podman (with cgroupfs) makes a cgroup for conmon and one per container in
# every v1 hierarchy: under a parent of the test's own, removed at the end.
CGROUP_PARENT=/moat-test-$(basename "$T")
RUN=(--network none --cgroup-parent "$CGROUP_PARENT")
# As root podman asks for RLIMIT_NOFILE 1048576 (and, once a ulimit is
# given, RLIMIT_NPROC 1048576 too); raising a hard limit needs
# CAP_SYS_RESOURCE, which some hosts' root lacks (this one's bounding set):
# runc fails there too ("error setting rlimit type 7"), moat refuses naming
# the limit. Then the test asks for lower limits, which anyone may set.
LOW_LIMITS=
if is_root && ! prlimit --nofile=1048576:1048576 true 2>/dev/null; then
	echo "note: root cannot raise hard limits here: --ulimit nofile=1024:1024 --ulimit nproc=4096:4096"
	RUN+=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
	LOW_LIMITS=1
fi

# The runtime's state root: what moat picks when podman gives no --root.
# Rootless podman's runtime dir (and so moat's) is the test's own.
if is_root; then
	MOAT_STATE=/run/moat
else
	mkdir -m 0700 "$PT/run"
	export XDG_RUNTIME_DIR=$PT/run
	MOAT_STATE=$XDG_RUNTIME_DIR/moat
fi
state_before=$(ls "$MOAT_STATE" 2>/dev/null | sort)

podman_cleanup() {
	[ -d "$PT/root" ] || return 0
	"${PODMAN[@]}" rm -a -f -t 0 >/dev/null 2>&1
	"${PODMAN[@]}" rmi -a -f >/dev/null 2>&1
	if [ -d "$PT/oroot" ]; then
		"${PODMAN_OVL[@]}" rm -a -f -t 0 >/dev/null 2>&1
		"${PODMAN_OVL[@]}" rmi -a -f >/dev/null 2>&1
	fi
	# Rootless podman keeps a pause process holding its user namespace.
	[ -s "$PT/tmp/pause.pid" ] && kill "$(cat "$PT/tmp/pause.pid")" 2>/dev/null
	chmod -R u+rwx "$PT" 2>/dev/null
	rm -rf "$PT"
	local d
	for d in /sys/fs/cgroup/*/"$CGROUP_PARENT"; do
		[ -d "$d" ] || continue
		if [ "$(stat -f -c %T "$(dirname "$d")")" = tmpfs ]; then
			# A controller not mounted on this host: conmon makes plain
			# directories (and writes `tasks` files) on /sys/fs/cgroup's tmpfs.
			rm -rf "$d"
		else
			find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
		fi
	done
}
trap 'podman_cleanup; _cleanup' EXIT

# The image: busybox and its applet links, imported from a tar.
busybox_image "$PT/image" passwd
tar -C "$PT/image" --owner=0 --group=0 --numeric-owner -cf "$PT/image.tar" .
run_capture out err rc "${PODMAN[@]}" import -q "$PT/image.tar" "$IMG"
if [ "$rc" != 0 ]; then
	fail podman_import "status $rc" "$err"
	finish
fi
pass podman_import

if ! is_root; then
	# Rootless podman (here without a subordinate id range: podman falls back
	# to mapping the caller alone) runs conmon and the runtime inside its own
	# user namespace, where moat is uid 0 but not host root; it then acts as
	# an unprivileged caller (userns_host_root), as runc's rootless mode does.
	run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" echo hi
	assert_eq rootless_run "hi" "$out" "status $rc" "stderr: $err"
fi

# --- run: output, exit status, the process is moat's (trapped)
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" echo hi
assert_eq run_echo "hi" "$out" "status $rc" "stderr: $err"
assert_eq run_status_0 0 "$rc"
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'exit 7'
assert_eq run_exit_code_7 7 "$rc" "stderr: $err"
# The process is pid 1 (as with runc): the kernel drops a signal it sends
# itself, even KILL. (A KILL from outside gives 137: kill_exit_137.)
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'kill -9 $$; echo survived'
assert_eq run_pid1_survives_own_kill "survived 0" "$out $rc" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" no-such-command
assert_eq run_missing_command_127 127 "$rc" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" grep ^Seccomp: /proc/self/status
assert_eq run_trapped_by_moat $'Seccomp:\t2' "$out" "stderr: $err"

# stdout and stderr stay apart
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" \
	sh -c 'echo to-out; echo to-err >&2'
assert_eq stdout_only_stdout "to-out" "$out" "stderr: $err"
assert_contains stderr_has_stderr "$err" "to-err"
assert_not_contains stderr_not_stdout "$err" "to-out"

# stdin (-i)
out=$(echo piped-in | "${PODMAN[@]}" run --rm -i "${RUN[@]}" "$IMG" cat 2>"$T/.err")
assert_eq stdin_interactive "piped-in" "$out" "stderr: $(cat "$T/.err")"

# -it: a terminal through conmon's console socket; script(1) gives podman a
# tty of 30x100, which the container's pty takes.
out=$(printf 'echo typed-$((6*7))\nexit 5\n' | timeout -k 5 "$MOAT_TIMEOUT" script -qec \
	"stty rows 30 cols 100; $(tty_timeout "${PODMAN_CMD[@]}") run --rm -it ${RUN[*]} $IMG sh -c 'tty; stty size; test -t 0 && echo stdin-is-tty; read line; eval \"\$line\"; exit 5'" \
	/dev/null 2>&1)
rc=$?
assert_contains tty_is_pts "$out" "/dev/pts/0"
assert_contains tty_size "$out" "30 100"
assert_contains tty_stdin "$out" "stdin-is-tty"
assert_contains tty_input "$out" "typed-42"
assert_eq tty_exit_code 5 "$rc" "$out"

# --read-only root; /tmp (podman's tmpfs) stays writable
run_capture out err rc "${PODMAN[@]}" run --rm --read-only "${RUN[@]}" "$IMG" \
	sh -c 'touch /x 2>&1; echo root=$?; touch /tmp/y && echo tmp=ok'
assert_contains read_only_root "$out" "Read-only file system"
assert_contains read_only_root_status "$out" "root=1"
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'touch /x && echo rw=ok'
assert_eq writable_root_by_default "rw=ok" "$out" "stderr: $err"

# --network none: loopback only
run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" \
	sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
assert_eq network_none_lo_only "lo" "$out" "stderr: $err"

# process.rlimits as podman gives them
if [ -n "$LOW_LIMITS" ]; then
	run_capture out err rc "${PODMAN[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'echo $(ulimit -n) $(ulimit -u)'
	assert_eq rlimits_applied "1024 4096" "$out" "stderr: $err"
fi

# --user
run_capture out err rc "${PODMAN[@]}" run --rm --user 1000:1000 "${RUN[@]}" "$IMG" \
	sh -c 'echo $(id -u) $(id -g)'
if is_root; then
	assert_eq user_uid_gid "1000 1000" "$out" "stderr: $err"
else
	# Rootless without a subordinate range, only the caller (0 inside) exists.
	assert_contains user_refused_rootless "$err" "only uid and gid 0 (the caller) exist"
fi

# hostname and podman's bind mounts (/etc/hostname, /etc/hosts from its run root)
run_capture out err rc "${PODMAN[@]}" run --rm --hostname moat-h "${RUN[@]}" "$IMG" \
	sh -c 'hostname; echo $(cat /etc/hostname); grep -c moat-h /etc/hosts'
assert_eq hostname_and_binds $'moat-h\nmoat-h\n1' "$out" "stderr: $err"

# --- detached: logs, stop (SIGTERM handled), kill, rm
run_capture cid err rc "${PODMAN[@]}" run -d --name d1 "${RUN[@]}" "$IMG" \
	sh -c 'echo started; trap "echo got-term; exit 42" TERM; while :; do sleep 0.1; done'
assert_eq detached_run 0 "$rc" "stderr: $err"
for _ in $(seq 50); do
	run_capture out err rc "${PODMAN[@]}" logs d1
	[ "$out" = started ] && break
	sleep 0.2
done
assert_eq detached_logs "started" "$out" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" ps --format '{{.Names}} {{.Status}}'
assert_contains ps_running "$out" "d1 Up"
start=$(date +%s)
run_capture out err rc "${PODMAN[@]}" stop -t 20 d1
elapsed=$(($(date +%s) - start))
assert_eq stop_status 0 "$rc" "stderr: $err"
[ "$elapsed" -lt 15 ] && pass stop_by_sigterm || fail stop_by_sigterm "took ${elapsed}s: SIGKILL after the timeout?"
run_capture out err rc "${PODMAN[@]}" inspect d1 --format '{{.State.ExitCode}}'
assert_eq stop_exit_code_42 42 "$out" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" logs d1
assert_eq stop_trap_ran $'started\ngot-term' "$out"
run_capture out err rc "${PODMAN[@]}" rm d1
assert_eq rm_status 0 "$rc" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" ps -a --format '{{.Names}}'
assert_not_contains rm_removed "$out" "d1"
[ ! -e "$MOAT_STATE/$cid" ] && pass rm_moat_state_gone || fail rm_moat_state_gone "$MOAT_STATE/$cid"

run_capture cid err rc "${PODMAN[@]}" run -d --name d2 "${RUN[@]}" "$IMG" sleep 1000
run_capture out err rc "${PODMAN[@]}" kill d2
assert_eq kill_status 0 "$rc" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" wait d2
assert_eq kill_exit_137 137 "$out" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" kill -s USR1 d2
assert_eq kill_stopped_fails 125 "$rc" "stderr: $err"
run_capture out err rc "${PODMAN[@]}" rm -f d2
assert_eq rm_killed 0 "$rc" "stderr: $err"

# pid 1 of a container, from moat's state (limit_check uses it too)
engine_init_pid() {
	"$MOAT" state "$1" 2>/dev/null | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null
}

# pause / unpause (moat pause / resume: the cgroup frozen and thawed)
run_capture cid err rc "${PODMAN[@]}" run -d --name p1 "${RUN[@]}" "$IMG" sleep 1000
run_capture out err rc "${PODMAN[@]}" pause p1
if [ "$rc" != 0 ] && ! is_root; then
	# podman refuses itself (rootless on cgroup v1: no cgroup), before moat
	skip podman_pause "rootless: ${err#Error: }"
else
	assert_eq pause_status 0 "$rc" "stderr: $err"
	run_capture out err rc "${PODMAN[@]}" inspect p1 --format '{{.State.Status}}'
	assert_eq pause_state paused "$out" "stderr: $err"
	assert_eq pause_moat_state paused "$("$MOAT" state "$cid" 2>/dev/null |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["status"])' 2>&1)"
	run_capture out err rc "${PODMAN[@]}" unpause p1
	assert_eq unpause_status 0 "$rc" "stderr: $err"
	run_capture out err rc "${PODMAN[@]}" inspect p1 --format '{{.State.Status}}'
	assert_eq unpause_state running "$out" "stderr: $err"
	# update: podman calls moat update --resources FILE
	run_capture out err rc "${PODMAN[@]}" update --cpu-shares 512 p1
	assert_eq update_status 0 "$rc" "stderr: $err"
	pid1=$(engine_init_pid "$cid")
	assert_eq update_cpu_shares 512 "$(cat "/sys/fs/cgroup/cpu$(cgroup_of "${pid1:-0}" cpu)/cpu.shares" 2>&1)"
fi
"${PODMAN[@]}" rm -f -t 0 p1 >/dev/null 2>&1

# rm -f of a running container
run_capture cid err rc "${PODMAN[@]}" run -d --name d3 "${RUN[@]}" "$IMG" sleep 1000
monitor=$("${PODMAN[@]}" inspect d3 --format '{{.State.Pid}}' 2>/dev/null)
run_capture out err rc "${PODMAN[@]}" rm -f -t 0 d3
assert_eq rm_force_running 0 "$rc" "stderr: $err"
if [ -n "$monitor" ] && [ "$monitor" != 0 ] && ! kill -0 "$monitor" 2>/dev/null; then
	pass rm_force_sandbox_gone
else
	fail rm_force_sandbox_gone "pid ${monitor:-?} still alive"
fi

# --rm leaves no container behind
run_capture out err rc "${PODMAN[@]}" run --rm --name r1 "${RUN[@]}" "$IMG" true
run_capture out err rc "${PODMAN[@]}" ps -a --format '{{.Names}}'
assert_not_contains run_rm_removed "$out" "r1"

# --- exec: needs `moat exec` (branch exec)
exec_help=$("$MOAT" exec --help 2>&1)
if [[ $exec_help == *"unknown command"* ]]; then
	skip podman_exec "moat exec not merged yet ($MOAT exec: ${exec_help%%$'\n'*})"
else
	run_capture cid err rc "${PODMAN[@]}" run -d --name e1 "${RUN[@]}" "$IMG" sleep 1000
	run_capture out err rc "${PODMAN[@]}" exec e1 sh -c 'echo in-exec; exit 3'
	assert_eq podman_exec_output "in-exec" "$out" "stderr: $err"
	assert_eq podman_exec_status 3 "$rc"
	run_capture out err rc "${PODMAN[@]}" exec e1 grep ^Seccomp: /proc/self/status
	assert_eq podman_exec_trapped $'Seccomp:\t2' "$out" "stderr: $err"
	"${PODMAN[@]}" rm -f -t 0 e1 >/dev/null 2>&1
fi

# --- cgroup limits: need linux.resources applied (branch cgroup). The probe:
# is the container's pid 1 (moat's state, in moat's default root) in a
# cgroup of its own (podman's cgroupsPath)? limit_check: engine_helpers.sh.
ENGINE=("${PODMAN[@]}")
ENGINE_RM=(rm -f -t 0)
limit_check memory_limit memory memory.limit_in_bytes 67108864 --memory 64m
limit_check pids_limit pids pids.max 42 --pids-limit 42

# --- an overlay rootfs (podman's default driver): overlayfs cannot be
# idmapped, so moat mounts an overlay of the idmapped layers; ownership as
# the image says, writes land in podman's upper layer with the image's ids.
if ! is_root; then
	skip overlay_rootfs "moat idmaps (and so rebuilds overlays) only as root"
else
	mkdir -p "$PT/image/home/u" && chown 1000:1000 "$PT/image/home/u"
	tar -C "$PT/image" --numeric-owner -cf "$PT/oimage.tar" .
	run_capture out err rc "${PODMAN_OVL[@]}" import -q "$PT/oimage.tar" "$IMG"
	assert_eq overlay_import 0 "$rc" "stderr: $err"
	run_capture out err rc "${PODMAN_OVL[@]}" run --name o1 "${RUN[@]}" "$IMG" \
		sh -c 'stat -c "%n %u:%g" /bin/busybox /home/u; touch /new /home/u/by-root; rm /bin/cat'
	assert_eq overlay_image_owners $'/bin/busybox 0:0\n/home/u 1000:1000' "$out" "stderr: $err"
	assert_not_contains overlay_no_warning "$err" "cannot be idmapped"
	run_capture out err rc "${PODMAN_OVL[@]}" run --name o2 --user 1000:1000 "${RUN[@]}" "$IMG" \
		touch /home/u/by-1000
	assert_eq overlay_user_writes 0 "$rc" "stderr: $err"
	up1=$("${PODMAN_OVL[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}}' o1 2>/dev/null)
	up2=$("${PODMAN_OVL[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}}' o2 2>/dev/null)
	assert_eq overlay_upper_owners "0:0 0:0 1000:1000" \
		"$(stat -c %u:%g "$up1/new" "$up1/home/u/by-root" "$up2/home/u/by-1000" 2>&1 | xargs)"
	assert_eq overlay_whiteout "character special file 0,0" \
		"$(stat -c '%F %t,%T' "$up1/bin/cat" 2>&1)"
	run_capture out err rc "${PODMAN_OVL[@]}" diff o1
	assert_contains overlay_engine_sees_writes "$out" "A /new"
	assert_eq overlay_engine_mount_only "" "$(findmnt -rn -o TARGET | grep -F "$T" | grep -v /merged)"
fi

# --- nothing left: containers, processes, mounts, moat state
run_capture out err rc "${PODMAN[@]}" ps -a -q
assert_eq no_containers_left "" "$out"
podman_cleanup
# podman's container ids (64 hex digits) that appeared during the test
left=$(comm -13 <(echo "$state_before") <(ls "$MOAT_STATE" 2>/dev/null | sort) |
	grep -E '^[0-9a-f]{64}$')
assert_eq no_moat_state_left "" "$left" "in $MOAT_STATE"
assert_eq no_mounts_left "" "$(findmnt -rn -o TARGET | grep -F "$T")"
assert_eq no_cgroups_left "" "$(ls -d /sys/fs/cgroup/*/"$CGROUP_PARENT" 2>/dev/null)"
sleep 0.2
assert_eq no_processes_left "" "$(pgrep -a -f "$T" | grep -v pgrep)"
finish
