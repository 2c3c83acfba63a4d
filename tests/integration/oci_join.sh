#!/usr/bin/env bash
# linux.namespaces with a path: a container joins an existing network, ipc
# and uts namespace (what CNI and Kubernetes pods give), `moat exec` joins it
# too, and every other kind of path, a file that is not a namespace, or a
# namespace of the wrong type is refused with the field named and nothing
# left behind.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
need unshare || { skip oci_join "unshare (util-linux) is needed"; finish; }

# Bundles: busybox; join(kind, path) puts a namespace with a path in place
# of the spec's one of that kind.
OCI_APPLETS=(sh cat sleep readlink hostname ls)
OCI_BUNDLE_PY='def join(kind, path):
    ns = d["linux"]["namespaces"]
    ns[:] = [n for n in ns if n["type"] != kind] + [{"type": kind, "path": path}]'

nsino() { stat -L -c %i "$1"; }
left_behind() { [ -e "$ROOT/$1" ] && echo "state dir $ROOT/$1 left behind"; }

# --- errors first (they need no namespace of our own) -------------------------
# The host's pid namespace: its /proc could be mounted only as host root.
make_bundle "$T/pid" 'join("pid", "/proc/self/ns/pid")'
run_capture out err rc "${OCI[@]}" run -b "$T/pid" j-pid
assert_eq join_pid_refused 1 "$rc" "stderr: $err"
assert_contains join_pid_reason "$err" "shares a pid namespace only inside the user namespace that owns it"
[ -z "$(left_behind j-pid)" ] && pass join_pid_nothing_left || fail join_pid_nothing_left "$(left_behind j-pid)"

echo not-a-namespace >"$T/plain"
make_bundle "$T/plain-b" "join(\"network\", \"$T/plain\")"
run_capture out err rc "${OCI[@]}" run -b "$T/plain-b" j-plain
assert_eq join_plain_file_refused 1 "$rc" "stderr: $err"
assert_contains join_plain_file_message "$err" "is not a network namespace"
assert_contains join_plain_file_field "$err" "linux.namespaces["

make_bundle "$T/wrong" 'join("ipc", "/proc/self/ns/uts")'
run_capture out err rc "${OCI[@]}" run -b "$T/wrong" j-wrong
assert_eq join_wrong_type_refused 1 "$rc" "stderr: $err"
assert_contains join_wrong_type_message "$err" "is not a ipc namespace"

make_bundle "$T/missing" "join(\"network\", \"$T/no-such-netns\")"
run_capture out err rc "${OCI[@]}" run -b "$T/missing" j-missing
assert_eq join_missing_path_refused 1 "$rc" "stderr: $err"
assert_contains join_missing_path_message "$err" "$T/no-such-netns"
[ -z "$(left_behind j-missing)" ] && pass join_missing_nothing_left ||
	fail join_missing_nothing_left "$(left_behind j-missing)"

make_bundle "$T/mnt" 'join("mount", "/proc/self/ns/mnt")'
run_capture out err rc "${OCI[@]}" run -b "$T/mnt" j-mnt
assert_eq join_mount_refused 1 "$rc" "stderr: $err"
assert_contains join_mount_reason "$err" "a mount namespace of its own"

make_bundle "$T/umap" 'join("user", "/proc/self/ns/user")
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 1000, "size": 1}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 1000, "size": 1}]'
run_capture out err rc "${OCI[@]}" run -b "$T/umap" j-umap
assert_eq join_user_with_mappings_refused 1 "$rc" "stderr: $err"
assert_contains join_user_with_mappings_message "$err" "not those of the user namespace given by path"
[ -z "$(left_behind j-umap)" ] && pass join_user_nothing_left ||
	fail join_user_nothing_left "$(left_behind j-umap)"

if is_root; then
	# The host's own user namespace maps host root: never without the annotation.
	make_bundle "$T/uhost" 'join("user", "/proc/self/ns/user")
d["linux"].pop("uidMappings", None); d["linux"].pop("gidMappings", None)'
	run_capture out err rc "${OCI[@]}" run -b "$T/uhost" j-uhost
	assert_eq join_host_userns_refused 1 "$rc" "stderr: $err"
	assert_contains join_host_userns_message "$err" "maps host root"
fi

# --- a pod: container b joins container a's user and cgroup namespaces (and,
# as root, its network, ipc and uts ones), as a pod's containers join its
# sandbox's. b's ids are a's: the same maps, its rootfs idmapped through them.
make_bundle "$T/pa" 'd["process"]["args"] = ["sleep", "300"]'
run_capture out err rc "${OCI[@]}" run -d -b "$T/pa" pa
assert_eq pod_sandbox_runs 0 "$rc" "stderr: $err"
A=$(state_field pa pid)
pod_joins="join(\"user\", \"/proc/$A/ns/user\")
join(\"cgroup\", \"/proc/$A/ns/cgroup\")"
is_root && pod_joins="$pod_joins
join(\"network\", \"/proc/$A/ns/net\")
join(\"ipc\", \"/proc/$A/ns/ipc\")
join(\"uts\", \"/proc/$A/ns/uts\")
d.pop(\"hostname\", None)"
make_bundle "$T/pb" "$pod_joins
d[\"linux\"].pop(\"uidMappings\", None); d[\"linux\"].pop(\"gidMappings\", None)
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"for n in user cgroup net ipc uts; do readlink /proc/self/ns/\$n; done; cat /proc/self/uid_map; stat -c %u:%g /bin/busybox\"]"
run_capture out err rc "${OCI[@]}" run -b "$T/pb" pb
assert_eq pod_member_runs 0 "$rc" "stderr: $err"
assert_contains pod_same_userns "$out" "user:[$(nsino /proc/$A/ns/user)]"
assert_contains pod_same_cgroupns "$out" "cgroup:[$(nsino /proc/$A/ns/cgroup)]"
assert_eq pod_same_uid_map "$(xargs </proc/$A/uid_map)" "$(grep -E '^ *[0-9]+ +[0-9]+ +[0-9]+ *$' <<<"$out" | xargs)"
assert_contains pod_rootfs_owner "$out" "0:0"
if is_root; then
	assert_contains pod_same_netns "$out" "net:[$(nsino /proc/$A/ns/net)]"
	assert_contains pod_same_ipcns "$out" "ipc:[$(nsino /proc/$A/ns/ipc)]"
fi
# Mappings beside the path, as containerd gives them for a pod with user
# namespaces: accepted when they are the namespace's own.
read -r c h n < <(head -n 1 /proc/$A/uid_map)
read -r gc gh gn < <(head -n 1 /proc/$A/gid_map)
make_bundle "$T/pc" "$pod_joins
d[\"linux\"][\"uidMappings\"] = [{\"containerID\": $c, \"hostID\": $h, \"size\": $n}]
d[\"linux\"][\"gidMappings\"] = [{\"containerID\": $gc, \"hostID\": $gh, \"size\": $gn}]
d[\"process\"][\"args\"] = [\"readlink\", \"/proc/self/ns/user\"]"
run_capture out err rc "${OCI[@]}" run -b "$T/pc" pc
assert_eq pod_matching_mappings_accepted "user:[$(nsino /proc/$A/ns/user)]" "$out" "status $rc, stderr: $err"

# --- a pod sharing its pid namespace (shareProcessNamespace): d joins a's
# pid namespace (and with it a's user namespace, which owns it), sees a's
# processes and is not pid 1; its processes outlive its pid 1 in that
# namespace, so moat ends them through its cgroup: when pid 1 exits, and
# when its sentry dies (fail closed). a's processes are untouched.
children_named() { # PID COMM
	local p
	for p in $(cat "/proc/$1/task/"*/children 2>/dev/null); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"
	done
}
make_bundle "$T/pd" "join(\"pid\", \"/proc/$A/ns/pid\")
d[\"linux\"].pop(\"uidMappings\", None); d[\"linux\"].pop(\"gidMappings\", None)
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"for n in user pid; do readlink /proc/self/ns/\$n; done; echo self=\$\$; ls /proc | grep -c '^[0-9]'; sleep 301 & echo started\"]"
run_capture out err rc "${OCI[@]}" run -b "$T/pd" pd
if [ "$rc" != 0 ] && ! is_root; then
	# Unprivileged without a delegated cgroup: refused, nothing made.
	assert_contains pod_shared_pid_needs_cgroup "$err" "needs a cgroup of its own"
	skip pod_shared_pid "no cgroup for an unprivileged container here"
else
	assert_eq pod_shared_pid_runs 0 "$rc" "stderr: $err"
	assert_contains pod_shared_pidns "$out" "pid:[$(nsino /proc/$A/ns/pid)]"
	assert_contains pod_shared_pid_owner_userns "$out" "user:[$(nsino /proc/$A/ns/user)]"
	assert_not_contains pod_shared_pid_not_pid1 "$out" "self=1"
	sleep 0.3
	assert_eq pod_shared_pid_rest_ended_with_pid1 "" "$(pgrep -x -f 'sleep 301')"
	assert_eq pod_shared_pid_other_untouched "alive 1" "$(kill -0 "$A" && echo alive) $(pgrep -x -f 'sleep 300' | wc -l)"

	make_bundle "$T/pe" "join(\"pid\", \"/proc/$A/ns/pid\")
d[\"linux\"].pop(\"uidMappings\", None); d[\"linux\"].pop(\"gidMappings\", None)
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"sleep 302 & sleep 302 & exec sleep 303\"]"
	run_capture out err rc "${OCI[@]}" run -d -b "$T/pe" pe
	assert_eq pod_shared_pid_detached 0 "$rc" "stderr: $err"
	for _ in $(seq 50); do [ "$(pgrep -x -f 'sleep 302' | wc -l)" = 2 ] && break; sleep 0.1; done
	assert_eq pod_shared_pid_children_running 2 "$(pgrep -x -f 'sleep 302' | wc -l)"
	# sleep 303 (its first process) and two sleep 302: not a's
	run_capture out err rc "${OCI[@]}" ps --format json pe
	assert_eq pod_shared_pid_ps_only_its_own 3 "$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])))' "$out" 2>&1)" "$out $err"
	run_capture out err rc "${OCI[@]}" kill --all pe KILL
	for _ in $(seq 50); do [ -z "$(pgrep -x -f 'sleep 30[23]')" ] && break; sleep 0.1; done
	assert_eq pod_shared_pid_kill_all_only_its_own "" "$(pgrep -x -f 'sleep 30[23]')"
	assert_eq pod_shared_pid_kill_all_spares_pod "alive 1" "$(kill -0 "$A" && echo alive) $(pgrep -x -f 'sleep 300' | wc -l)"
	"${OCI[@]}" delete --force pe >/dev/null 2>&1

	run_capture out err rc "${OCI[@]}" run -d -b "$T/pe" pf
	for _ in $(seq 50); do [ "$(pgrep -x -f 'sleep 302' | wc -l)" = 2 ] && break; sleep 0.1; done
	S=$(children_named "$(monitor_pid pf)" moat-sentry)
	[ -n "$S" ] && kill -9 "$S"
	for _ in $(seq 50); do [ -z "$(pgrep -x -f 'sleep 30[23]')" ] && break; sleep 0.1; done
	assert_eq pod_shared_pid_fail_closed "" "$(pgrep -x -f 'sleep 30[23]')" "sentry $S"
	assert_eq pod_shared_pid_fail_closed_spares_pod "alive 1" "$(kill -0 "$A" && echo alive) $(pgrep -x -f 'sleep 300' | wc -l)"
	"${OCI[@]}" delete --force pf >/dev/null 2>&1
fi

"${OCI[@]}" delete --force pa >/dev/null 2>&1
left=$(for c in pa pb pc pd pe pf; do left_behind $c; done)
[ -z "$left" ] && pass pod_nothing_left ||
	fail pod_nothing_left "$left"

# --- joining ---------------------------------------------------------------------
if ! is_root; then
	# An unprivileged caller cannot join a namespace its own user namespace
	# does not own; the root-made ones below are exactly that.
	skip join_network "persistent namespaces are made by root in this test"
	finish
fi

# Persistent namespaces held by bind mounts on files (as `ip netns add` does).
touch "$T/net" "$T/uts" "$T/ipc"
if ! unshare --net="$T/net" --uts="$T/uts" --ipc="$T/ipc" hostname pod-host; then
	fail join_setup "unshare could not make persistent namespaces"
	finish
fi
cleanup_ns() { umount "$T/net" "$T/uts" "$T/ipc" "$T/time" 2>/dev/null; }
trap 'cleanup_ns; _cleanup' EXIT

make_bundle "$T/j" "join(\"network\", \"$T/net\")
join(\"uts\", \"$T/uts\")
join(\"ipc\", \"$T/ipc\")
d.pop(\"hostname\", None)
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; hostname; sleep 30\"]"
run_capture out err rc "${OCI[@]}" run -d -b "$T/j" j1
assert_eq join_run_detached 0 "$rc" "stderr: $err"
wait_status j1 running
run_capture out err rc "${OCI[@]}" exec j1 sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/ipc; hostname'
assert_contains exec_joined_netns "$out" "net:[$(nsino "$T/net")]" "stderr: $err"
assert_contains exec_joined_ipc "$out" "ipc:[$(nsino "$T/ipc")]" "stderr: $err"
assert_contains exec_joined_uts "$out" "pod-host" "stderr: $err"
"${OCI[@]}" delete --force j1 >/dev/null 2>&1

make_bundle "$T/j2" "join(\"network\", \"$T/net\")
join(\"uts\", \"$T/uts\")
d.pop(\"hostname\", None)
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"readlink /proc/self/ns/net; hostname; ls /sys/class/net\"]"
run_capture out err rc "${OCI[@]}" run -b "$T/j2" j2
assert_eq join_run 0 "$rc" "stderr: $err"
assert_contains join_netns_inode "$out" "net:[$(nsino "$T/net")]"
assert_contains join_uts_hostname "$out" "pod-host"
# The host's own network namespace is not the one joined.
assert_not_contains join_not_host_netns "$out" "net:[$(nsino /proc/self/ns/net)]"

# A time namespace (booted a million seconds earlier): moat joins it as it
# joins a network namespace, before it makes the sandbox.
touch "$T/time"
if unshare --time="$T/time" --boottime 1000000 true 2>/dev/null; then
	make_bundle "$T/jt" "join(\"time\", \"$T/time\")
d[\"process\"][\"args\"] = [\"sh\", \"-c\", \"readlink /proc/self/ns/time; cut -d. -f1 /proc/uptime\"]"
	run_capture out err rc "${OCI[@]}" run -b "$T/jt" jt
	assert_eq join_time_run 0 "$rc" "stderr: $err"
	assert_contains join_time_ns "$out" "time:[$(nsino "$T/time")]"
	up=$(tail -n 1 <<<"$out")
	[ "${up:-0}" -ge 1000000 ] 2>/dev/null && pass join_time_boottime_offset ||
		fail join_time_boottime_offset "uptime inside: $up"
else
	skip join_time "unshare --time is not available here"
fi

# A hostname with a joined uts namespace owned by the host's user namespace:
# the container cannot set it (runc, as root in that namespace, could).
make_bundle "$T/j3" "join(\"uts\", \"$T/uts\")
d[\"hostname\"] = \"other\"
d[\"process\"][\"args\"] = [\"hostname\"]"
run_capture out err rc "${OCI[@]}" run -b "$T/j3" j3
[ "$rc" != 0 ] && pass join_uts_hostname_refused ||
	fail join_uts_hostname_refused "status 0, out: $out"
[ "$(hostname)" != other ] && pass host_hostname_untouched || fail host_hostname_untouched
finish
