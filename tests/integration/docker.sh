#!/usr/bin/env bash
# docker driving moat: a dockerd of the test's own (data root, exec root,
# socket, pid file, cgroup parent; no iptables, no bridge; overlay2
# storage, docker's default, whose overlay rootfs moat rebuilds idmapped)
# started with --add-runtime moat=<build>/moat, and `docker run --runtime
# moat`. dockerd runs its own containerd under the exec root; its runc v2
# shim calls moat as it calls runc (create --bundle --pid-file
# [--console-socket], start, kill, delete). The image is `docker import`ed
# from a busybox rootfs tar.
#
# dockerd also writes a few fixed host paths: /etc/docker/key.json, the
# shims' sockets under /run/containerd/s, /run/docker/plugins and its
# containerd's /opt/containerd. The test
# removes those it created and checks that nothing of it is left.
# Rootless docker needs rootlesskit (dockerd-rootless.sh): as an
# unprivileged user the suite SKIPs.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/engine_helpers.sh"

need dockerd docker python3 script || {
	skip docker "dockerd, docker, python3 or script not installed (scripts/deps.sh)"
	finish
}
is_root || {
	skip docker "dockerd runs as root here; rootless docker needs rootlesskit, not set up"
	finish
}
need_static_busybox

DT=$T/docker
SOCK=$DT/docker.sock
IMG=localhost/moat-test-busybox:latest
CGROUP_PARENT=/moat-test-$(basename "$T")
mkdir -p "$DT"
echo '{}' >"$DT/daemon.json"
DOCKER_CMD=(docker -H "unix://$SOCK")
DOCKER=(timeout -k 5 "$MOAT_TIMEOUT" "${DOCKER_CMD[@]}")
RUN=(--runtime moat --network none)
# The fixed host paths dockerd writes, as they were before.
host_paths() {
	ls -d /etc/docker/key.json /run/docker /run/containerd /run/containerd/s /opt/containerd \
		2>/dev/null
}
host_before=$(host_paths)

dockerd_pid=
docker_cleanup() {
	local c
	if [ -n "$dockerd_pid" ] && kill -0 "$dockerd_pid" 2>/dev/null; then
		for c in $("${DOCKER[@]}" ps -a -q 2>/dev/null); do
			"${DOCKER[@]}" rm -f "$c" >/dev/null 2>&1
		done
		"${DOCKER[@]}" rmi -f "$IMG" >/dev/null 2>&1
		stop_daemon "$dockerd_pid" 150
	fi
	dockerd_pid=
	# dockerd bind-mounts its data root onto itself; it unmounts it on exit.
	findmnt -rn -o TARGET | grep -F "$DT" | sort -r | xargs -r umount -l 2>/dev/null
	for p in /etc/docker/key.json /run/docker /run/containerd/s /run/containerd /opt/containerd; do
		grep -qxF "$p" <<<"$host_before" || rm -rf "$p"
	done
	find /sys/fs/cgroup/*/"$CGROUP_PARENT" -depth -type d -exec rmdir {} + 2>/dev/null
	chmod -R u+rwx "$DT" 2>/dev/null
	rm -rf "$DT"
}
trap 'docker_cleanup; _cleanup' EXIT

dockerd --data-root "$DT/data" --exec-root "$DT/exec" -H "unix://$SOCK" \
	--pidfile "$DT/docker.pid" --config-file "$DT/daemon.json" --iptables=false \
	--ip6tables=false --bridge=none --storage-driver overlay2 --cgroup-parent "$CGROUP_PARENT" \
	--add-runtime moat="$MOAT" >"$T/dockerd.log" 2>&1 &
dockerd_pid=$!
daemon_up dockerd_start "$dockerd_pid" "$T/dockerd.log" 300 "${DOCKER[@]}" version
run_capture out err rc "${DOCKER[@]}" info --format '{{json .Runtimes}}'
assert_contains runtime_registered "$out" "\"moat\":{\"path\":\"$MOAT\"" "stderr: $err"

busybox_image "$DT/image" passwd
mkdir -p "$DT/image/home/u" && chown 1000:1000 "$DT/image/home/u"
tar -C "$DT/image" --numeric-owner -cf "$DT/image.tar" .
run_capture out err rc "${DOCKER[@]}" import "$DT/image.tar" "$IMG"
if [ "$rc" != 0 ]; then
	fail docker_import "status $rc" "$err"
	finish
fi
pass docker_import

# --- run: output, exit status, trapped by moat
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" \
	sh -c 'echo hi; grep ^Seccomp: /proc/self/status; exit 3'
assert_eq run_output $'hi\nSeccomp:\t2' "$out" "stderr: $err"
assert_eq run_exit_code_3 3 "$rc"
# The process is pid 1 (as with runc): the kernel drops a signal it sends
# itself, even KILL. (A KILL from outside gives 137: kill_exit_137.)
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'kill -9 $$; echo survived'
assert_eq run_pid1_survives_own_kill "survived 0" "$out $rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" no-such-command
assert_eq run_missing_command_127 127 "$rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" sh -c 'echo to-out; echo to-err >&2'
assert_eq stdout_only_stdout "to-out" "$out"
assert_contains stderr_has_stderr "$err" "to-err"
assert_not_contains stderr_not_stdout "$err" "to-out"
out=$(echo piped-in | "${DOCKER[@]}" run --rm -i "${RUN[@]}" "$IMG" cat 2>"$T/.err")
assert_eq stdin_interactive "piped-in" "$out" "stderr: $(cat "$T/.err")"

# -it: docker resizes the pty after the start, so the size is polled for.
out=$(printf 'echo typed-$((6*7))\n' | timeout -k 5 "$MOAT_TIMEOUT" script -qec \
	"stty rows 30 cols 100; $(tty_timeout "${DOCKER_CMD[@]}") run --rm -it ${RUN[*]} $IMG sh -c 'tty; for i in \$(seq 50); do s=\$(stty size 2>/dev/null); [ -n \"\$s\" ] && [ \"\$s\" != \"0 0\" ] && break; sleep 0.1; done; echo size=\$s; read line; eval \"\$line\"; exit 5'" \
	/dev/null 2>&1)
rc=$?
assert_contains tty_is_pts "$out" "/dev/pts/0"
assert_contains tty_size "$out" "size=30 100"
assert_contains tty_input "$out" "typed-42"
assert_eq tty_exit_code 5 "$rc" "$out"

run_capture out err rc "${DOCKER[@]}" run --rm --read-only "${RUN[@]}" "$IMG" \
	sh -c 'touch /x 2>&1; echo root=$?'
assert_contains read_only_root "$out" "Read-only file system"
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" \
	sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
assert_eq network_none_lo_only "lo" "$out" "stderr: $err"
# docker's default sysctl net.ipv4.ping_group_range "0 2147483647" names gids
# the container's user namespace does not map: moat clamps it to those it does.
run_capture out err rc "${DOCKER[@]}" run --rm "${RUN[@]}" "$IMG" cat /proc/sys/net/ipv4/ping_group_range
[[ $out =~ ^0[[:space:]]+[1-9][0-9]*$ ]] && pass ping_group_range_clamped ||
	fail ping_group_range_clamped "got: $out" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" run --rm --user 1000:1000 "${RUN[@]}" "$IMG" \
	sh -c 'echo $(id -u) $(id -g)'
assert_eq user_uid_gid "1000 1000" "$out" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" run --rm --hostname moat-h "${RUN[@]}" "$IMG" \
	sh -c 'hostname; echo $(cat /etc/hostname); grep -c localhost /etc/hosts'
assert_eq hostname_and_binds $'moat-h\nmoat-h\n2' "$out" "stderr: $err"

# --- detached: logs, stop (SIGTERM handled), kill, rm
run_capture cid err rc "${DOCKER[@]}" run -d --name d1 "${RUN[@]}" "$IMG" \
	sh -c 'echo started; trap "echo got-term; exit 42" TERM; while :; do sleep 0.1; done'
assert_eq detached_run 0 "$rc" "stderr: $err"
for _ in $(seq 50); do
	run_capture out err rc "${DOCKER[@]}" logs d1
	[ "$out" = started ] && break
	sleep 0.2
done
assert_eq detached_logs "started" "$out" "stderr: $err"
start=$(date +%s)
run_capture out err rc "${DOCKER[@]}" stop -t 20 d1
elapsed=$(($(date +%s) - start))
assert_eq stop_status 0 "$rc" "stderr: $err"
[ "$elapsed" -lt 15 ] && pass stop_by_sigterm || fail stop_by_sigterm "took ${elapsed}s: SIGKILL after the timeout?"
run_capture out err rc "${DOCKER[@]}" inspect -f '{{.State.ExitCode}}' d1
assert_eq stop_exit_code_42 42 "$out" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" logs d1
assert_eq stop_trap_ran $'started\ngot-term' "$out"
run_capture out err rc "${DOCKER[@]}" rm d1
assert_eq rm_status 0 "$rc" "stderr: $err"

run_capture cid err rc "${DOCKER[@]}" run -d --name d2 "${RUN[@]}" "$IMG" sleep 1000
run_capture out err rc "${DOCKER[@]}" kill d2
assert_eq kill_status 0 "$rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" wait d2
assert_eq kill_exit_137 137 "$out" "stderr: $err"
"${DOCKER[@]}" rm d2 >/dev/null 2>&1
run_capture cid err rc "${DOCKER[@]}" run -d --name d3 "${RUN[@]}" "$IMG" sleep 1000
run_capture out err rc "${DOCKER[@]}" rm -f d3
assert_eq rm_force_running 0 "$rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" run --rm --name r1 "${RUN[@]}" "$IMG" true
run_capture out err rc "${DOCKER[@]}" ps -a --format '{{.Names}}'
assert_eq no_containers_after_rm "" "$out"

# --- pause / unpause: containerd's shim calls moat pause / resume
run_capture out err rc "${DOCKER[@]}" run -d --name p1 "${RUN[@]}" "$IMG" sleep 1000
run_capture out err rc "${DOCKER[@]}" pause p1
assert_eq pause_status 0 "$rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" inspect -f '{{.State.Status}}' p1
assert_eq pause_state paused "$out" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" unpause p1
assert_eq unpause_status 0 "$rc" "stderr: $err"
run_capture out err rc "${DOCKER[@]}" inspect -f '{{.State.Status}}' p1
assert_eq unpause_state running "$out" "stderr: $err"
# update: containerd's shim calls moat update --resources -
run_capture out err rc "${DOCKER[@]}" update --pids-limit 42 --cpu-shares 512 p1
assert_eq update_status 0 "$rc" "stderr: $err"
pid1=$("$MOAT" --root "$DT/exec/runtime-runc/moby" state "$("${DOCKER[@]}" inspect -f '{{.Id}}' p1)" 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
assert_eq update_pids_max 42 "$(cat "/sys/fs/cgroup/pids$(cgroup_of "${pid1:-0}" pids)/pids.max" 2>&1)"
assert_eq update_cpu_shares 512 "$(cat "/sys/fs/cgroup/cpu$(cgroup_of "${pid1:-0}" cpu)/cpu.shares" 2>&1)"
"${DOCKER[@]}" rm -f p1 >/dev/null 2>&1

# --- exec: needs `moat exec` (branch exec)
exec_help=$("$MOAT" exec --help 2>&1)
if [[ $exec_help == *"unknown command"* ]]; then
	skip docker_exec "moat exec not merged yet ($MOAT exec: ${exec_help%%$'\n'*})"
else
	"${DOCKER[@]}" run -d --name e1 "${RUN[@]}" "$IMG" sleep 1000 >/dev/null 2>&1
	run_capture out err rc "${DOCKER[@]}" exec e1 sh -c 'echo in-exec; grep ^Seccomp: /proc/self/status; exit 3'
	assert_eq docker_exec_output $'in-exec\nSeccomp:\t2' "$out" "stderr: $err"
	assert_eq docker_exec_status 3 "$rc"
	"${DOCKER[@]}" rm -f e1 >/dev/null 2>&1
fi

# --- cgroup limits: need linux.resources applied (branch cgroup). The probe:
# is the container's pid 1 (moat state, under dockerd's runtime root) in a
# cgroup of its own (docker's cgroupsPath, CGROUP_PARENT/ID)? limit_check:
# engine_helpers.sh.
ENGINE=("${DOCKER[@]}")
ENGINE_RM=(rm -f)
engine_init_pid() {
	"$MOAT" --root "$DT/exec/runtime-runc/moby" state "$1" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null
}
limit_check memory_limit memory memory.limit_in_bytes 67108864 --memory 64m
limit_check pids_limit pids pids.max 42 --pids-limit 42

# --- overlay2 rootfs: image owners as the image says, writes in docker's
# upper layer with the image's ids (docker diff sees them)
run_capture out err rc "${DOCKER[@]}" run --name o1 "${RUN[@]}" "$IMG" \
	sh -c 'stat -c "%n %u:%g" /bin/busybox /home/u; touch /new /home/u/by-root'
assert_eq overlay_image_owners $'/bin/busybox 0:0\n/home/u 1000:1000' "$out" "stderr: $err"
assert_not_contains overlay_no_warning "$err" "cannot be idmapped"
up=$("${DOCKER[@]}" inspect -f '{{.GraphDriver.Data.UpperDir}}' o1 2>/dev/null)
assert_eq overlay_upper_owners "0:0 0:0" "$(stat -c %u:%g "$up/new" "$up/home/u/by-root" 2>&1 | xargs)"
run_capture out err rc "${DOCKER[@]}" diff o1
assert_contains overlay_docker_diff "$out" "A /new"
"${DOCKER[@]}" rm -f o1 >/dev/null 2>&1

# --- nothing left
docker_cleanup
sleep 0.2
assert_eq no_processes_left "" "$(pgrep -a -f "$T" | grep -v pgrep)"
assert_eq no_mounts_left "" "$(findmnt -rn -o TARGET | grep -F "$T")"
assert_eq no_cgroups_left "" "$(ls -d /sys/fs/cgroup/*/"$CGROUP_PARENT" 2>/dev/null)"
assert_eq no_host_paths_left "$host_before" "$(host_paths)"
finish
