# Shared pieces of the container-engine tests (podman.sh, docker.sh,
# containerd.sh). Not a test itself (tests/run.sh skips *_helpers.sh).
# Sourced after helpers.sh:
#   . "$(dirname "$0")/helpers.sh" "$@"
#   . "$(dirname "$0")/engine_helpers.sh"

# busybox_image DIR [passwd]: an image's rootfs in DIR: the static busybox
# (need_static_busybox) with a link for every applet, and with `passwd` an
# /etc/passwd that has root.
busybox_image() {
	local dir=$1 x
	mkdir -p "$dir/bin" "$dir/proc" "$dir/dev" "$dir/sys" "$dir/tmp" || return 1
	cp "$BUSYBOX" "$dir/bin/busybox" || return 1
	for x in $("$BUSYBOX" --list); do
		[ "$x" = busybox ] || ln -s busybox "$dir/bin/$x"
	done
	if [ "${2:-}" = passwd ]; then
		mkdir -p "$dir/etc" && echo "root:x:0:0:root:/root:/bin/sh" >"$dir/etc/passwd"
	fi
}

# daemon_up NAME PID LOG TENTHS CMD...: up to TENTHS tenths of a second
# (less if the daemon PID dies) for CMD (a client's version call) to
# succeed; then PASS NAME, or FAIL NAME with the end of the daemon's LOG and
# finish.
daemon_up() {
	local name=$1 pid=$2 log=$3 tenths=$4
	shift 4
	for _ in $(seq "$tenths"); do
		"$@" >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if ! "$@" >/dev/null 2>&1; then
		fail "$name" "$(tail -n 20 "$log")"
		finish
	fi
	pass "$name"
}

# stop_daemon PID TENTHS: SIGTERM, up to TENTHS tenths of a second for it to
# exit, then SIGKILL; reaps it (it is the test's child).
stop_daemon() {
	kill "$1" 2>/dev/null
	for _ in $(seq "$2"); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# cgroup_of PID CONTROLLER: the path of PID's cgroup in that v1 hierarchy.
cgroup_of() {
	sed -nE "s/^[0-9]+:([^:]*,)?$2(,[^:]*)?:(.*)/\3/p" "/proc/$1/cgroup" 2>/dev/null
}

# limit_check NAME CONTROLLER FILE EXPECTED OPTION...: a detached container
# run with the engine's OPTIONs holds EXPECTED in FILE of its cgroup. The
# test sets ENGINE (the engine's command), ENGINE_RM (its force-remove
# subcommand), RUN and IMG, and defines engine_init_pid CID (the container's
# pid 1, from moat's state). SKIPs where the engine drops the limits
# (rootless podman on v1) or moat leaves pid 1 in the caller's cgroup.
limit_check() {
	local name=$1 ctl=$2 file=$3 want=$4 cid pid path
	shift 4
	cid=$("${ENGINE[@]}" run -d "$@" "${RUN[@]}" "$IMG" sleep 1000 2>"$T/.err")
	pid=$(engine_init_pid "$cid")
	path=$(cgroup_of "${pid:-0}" "$ctl")
	if [ -z "$cid" ] || [ -z "$pid" ]; then
		fail "$name" "container did not start: $(cat "$T/.err")"
	elif ! is_root && grep -q "not supported and ignored on cgroups V1 rootless" "$T/.err"; then
		skip "$name" "rootless podman drops resource limits on cgroup v1 (its own warning)"
	elif [[ $path != *"$cid"* ]]; then
		skip "$name" "moat does not apply linux.resources yet (pid 1 stays in $ctl cgroup ${path:-?}; branch cgroup)"
	else
		assert_eq "$name" "$want" "$(cat "/sys/fs/cgroup/$ctl$path/$file" 2>/dev/null)" "cgroup $path"
	fi
	[ -n "$cid" ] && "${ENGINE[@]}" "${ENGINE_RM[@]}" "$cid" >/dev/null 2>&1
}
