#!/usr/bin/env bash
# Container ids (docs/oci.md, Identity): a container's uid 0 is never host
# root. As root: image and volume owners look inside as they are on disk and
# writes land with the ids the engine expects (idmapped rootfs and binds);
# each container gets a host range of its own while root's subordinate ids
# allow (released at delete); config.json's mappings and mount idmaps are
# honoured; dev.moat.host-ids=true and its warning; an idmap that cannot be
# made is refused. Unprivileged: one id, no idmaps (the kernel allows idmapped
# mounts of the host's file systems only to host root).
#
# Root's subordinate ranges are given to moat through an overlay on /etc in
# a private mount namespace (`in_ranges`), so the host's /etc/subuid is
# never touched.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
# in_ranges and the ramfs checks need private mount namespaces.
is_root && ! need unshare && { skip oci_ids "unshare (util-linux) not installed"; finish; }

ROOT2=$T/state2
ME=$(id -u)
REG=/run/moat-ids

# The escape probe, static so that it runs in a busybox rootfs.
PROBE=$T/probe
cc -static -O1 -D_GNU_SOURCE -o "$PROBE" "$(dirname "$0")/../escape/uid0_host_files.c" \
	>"$T/probe.log" 2>&1 || PROBE=

# Bundles: a busybox rootfs (writable) with the probe and /owned0 and
# /owned1000 (root) or /mine (unprivileged); bind(dest, src, *opts, **extra)
# adds a bind mount.
OCI_APPLETS=(sh cat sleep stat touch id)
# shellcheck disable=SC2317 # called by make_bundle
add_files() {
	[ -z "$PROBE" ] || cp "$PROBE" "$1/bin/probe" || return 1
	if is_root; then
		touch "$1/owned0" "$1/owned1000" && chown 1000:1000 "$1/owned1000"
	else
		touch "$1/mine"
	fi
}
OCI_ROOTFS_EXTRA=add_files
OCI_BUNDLE_PY='d["root"]["readonly"] = False
def bind(dest, src, *opts, **extra):
    m = {"destination": dest, "type": "bind", "source": src, "options": ["rbind", *opts]}
    m.update(extra)
    d["mounts"].append(m)'

# json FILE EXPR: a Python expression over the document `d`.
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" 2>/dev/null; }
host_uid_of() { json "$1/$2/state.json" 'd["idMappings"]["uidMappings"][0]["hostID"]'; }

# in_ranges SUBUID-LINE SUBGID-LINE CMD...: CMD in a private mount namespace
# whose /etc has those subordinate ranges for root.
in_ranges() {
	local u=$1 g=$2 d
	shift 2
	d=$(mktemp -d "$T/etc.XXXXXX") # a fresh one each time: callers run in parallel
	mkdir -p "$d/up" "$d/work"
	printf '%s\n' "$u" >"$d/up/subuid"
	printf '%s\n' "$g" >"$d/up/subgid"
	unshare -m --propagation private sh -c \
		'mount -t overlay -o "lowerdir=/etc,upperdir=$1/up,workdir=$1/work" overlay /etc &&
		 shift && exec "$@"' in_ranges "$d" "$@"
}

# wait_file PATH: up to 10 s for PATH to exist.
wait_file() {
	local i
	for i in $(seq 100); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# registry_names DIR: registry entries owned by a state directory under DIR.
registry_names() { grep -lsE "^$1(/|\$)" "$REG"/[ue]* 2>/dev/null; }

mkdir -m 0755 "$T/vol" "$T/rootdir"
if is_root; then
	chown 1000:1000 "$T/vol"
	echo x >"$T/rootfile"
	chmod 0644 "$T/rootfile"
fi

if is_root; then
	# --- ownership inside is the image's and the volume's; writes land as expected
	make_bundle "$T/own" 'd["process"]["args"] = ["sh", "-c", "stat -c %u:%g /owned0 /owned1000 /vol; touch /new0"]
bind("/vol", sys.argv[1].rsplit("/", 2)[0] + "/vol", "rw")' || fail own_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/own" own
	assert_eq own_status 0 "$rc" "stderr: $err"
	assert_eq image_owner_0_and_1000_and_volume_1000 $'0:0\n1000:1000\n1000:1000' "$out" "stderr: $err"
	assert_eq rootfs_write_lands_as_0 0:0 "$(stat -c %u:%g "$T/own/rootfs/new0" 2>&1)"

	make_bundle "$T/u1000" 'd["process"]["args"] = ["touch", "/vol/by1000"]
d["process"]["user"] = {"uid": 1000, "gid": 1000}
bind("/vol", sys.argv[1].rsplit("/", 2)[0] + "/vol", "rw")' || fail u1000_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/u1000" u1000
	assert_eq volume_write_status 0 "$rc" "stderr: $err"
	assert_eq volume_write_lands_as_1000 1000:1000 "$(stat -c %u:%g "$T/vol/by1000" 2>&1)"

	# --- on the host, the container's uid 0 is its range's first id, not 0
	make_bundle "$T/sleep" 'd["process"]["args"] = ["sleep", "1000"]' || fail sleep_bundle
	run_capture out err rc "${OCI[@]}" create -b "$T/sleep" s1
	pid=$(state_field s1 pid)
	hid=$(host_uid_of "$ROOT" s1)
	huid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
	assert_eq host_uid_is_the_range "$hid" "$huid" "stderr: $err"
	[ -n "$huid" ] && [ "$huid" != 0 ] && pass host_uid_not_root || fail host_uid_not_root "$huid"
	"${OCI[@]}" delete -f s1 >/dev/null 2>&1

	# --- escape probe: host root's file handed to the container (a leaked fd)
	if [ -n "$PROBE" ]; then
		make_bundle "$T/fd" 'd["process"]["args"] = ["probe", "--fd", "3"]' || fail fd_bundle
		run_capture out err rc "${OCI[@]}" run -b "$T/fd" --preserve-fds 1 fd1 3<"$T/rootfile"
		assert_eq leaked_fd_not_owner 0 "$rc" "$out" "stderr: $err"
		assert_contains leaked_fd_contained "$out" "CONTAINED"
	else
		skip leaked_fd_not_owner "no static libc to build the probe: $(head -n 3 "$T/probe.log")"
	fi

	# --- one range per container, under every state root; released at delete
	BIG_U=root:200000:1310720 BIG_G=root:300000:1310720
	make_bundle "$T/scr" 'd["process"]["args"] = ["sh", "-c", "touch /scratch/f; exec sleep 1000"]
d["mounts"].append({"destination": "/scratch", "type": "tmpfs", "source": "tmpfs", "options": ["mode=755"]})' ||
		fail scr_bundle
	uids=()
	# Created at the same time, two under one state root and one under another.
	for c in "$ROOT c1" "$ROOT c2" "$ROOT2 c3"; do
		set -- $c
		in_ranges $BIG_U $BIG_G timeout -k 5 "$MOAT_TIMEOUT" \
			"$MOAT" --root "$1" create -b "$T/scr" "$2" </dev/null >"$T/create.$2" 2>&1 &
	done
	wait
	for c in "$ROOT c1" "$ROOT c2" "$ROOT2 c3"; do
		set -- $c
		"$MOAT" --root "$1" start "$2" || fail "start_$2" "$(cat "$T/create.$2")"
		pid=$("$MOAT" --root "$1" state "$2" 2>/dev/null | python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])')
		wait_file "/proc/$pid/root/scratch/f"
		u=$(stat -c %u "/proc/$pid/root/scratch/f" 2>&1)
		assert_eq "file_of_$2_lands_as_its_range" "$(host_uid_of "$1" "$2")" "$u"
		[ "$(json "$1/$2/state.json" 'd["idMappings"]["source"]')" = slice ] &&
			pass "state_$2_slice" || fail "state_$2_slice" "$(cat "$1/$2/state.json")"
		uids+=("$u")
	done
	python3 - "${uids[@]}" <<'EOF' && pass disjoint_ranges || fail disjoint_ranges "host uids: ${uids[*]}"
import sys
u = sorted(int(x) for x in sys.argv[1:])
ok = len(u) == 3 and all(200000 <= x and x + 65536 <= 200000 + 1310720 for x in u)
ok = ok and all(b - a >= 65536 for a, b in zip(u, u[1:]))
sys.exit(0 if ok else 1)
EOF
	[ -n "$(registry_names "$ROOT/c1")" ] && pass registry_records_c1 || fail registry_records_c1 "$(ls -l "$REG")"
	c1_uid=$(host_uid_of "$ROOT" c1)
	"${OCI[@]}" delete -f c1 >/dev/null 2>&1
	[ -z "$(registry_names "$ROOT/c1")" ] && pass delete_releases_range ||
		fail delete_releases_range "$(grep -s . "$REG"/u*)"
	[ -n "$(registry_names "$ROOT/c2")" ] && pass delete_keeps_others || fail delete_keeps_others
	# The freed range is taken again by the next container.
	run_capture out err rc in_ranges $BIG_U $BIG_G timeout -k 5 "$MOAT_TIMEOUT" \
		"$MOAT" --root "$ROOT" create -b "$T/scr" c4
	# The lowest range c2 and c3 do not hold (c1's, if c1 had the lowest).
	want=$(python3 -c 'import sys
live = {int(x) for x in sys.argv[2:]} - {int(sys.argv[1])}
print(min(x for x in range(200000, 200000 + 1310720, 65536) if x not in live))' "$c1_uid" "${uids[@]}")
	assert_eq freed_range_reused "$want" "$(host_uid_of "$ROOT" c4)" "stderr: $err"
	"${OCI[@]}" delete -f c2 >/dev/null 2>&1
	"${OCI[@]}" delete -f c4 >/dev/null 2>&1
	"$MOAT" --root "$ROOT2" delete -f c3 >/dev/null 2>&1
	[ -z "$(registry_names "$T")" ] && pass registry_empty_after_delete ||
		fail registry_empty_after_delete "$(grep -s . "$REG"/u*)"

	# A range config.json chose (an engine's user namespace) is kept clear of.
	make_bundle "$T/engsl" 'd["linux"]["namespaces"].append({"type": "user"})
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 200000, "size": 65536}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 300000, "size": 65536}]
d["process"]["args"] = ["sleep", "1000"]' || fail engsl_bundle
	run_capture out err rc in_ranges $BIG_U $BIG_G "${OCI[@]}" create -b "$T/engsl" e1
	assert_eq engine_range_create 0 "$rc" "stderr: $err"
	[ -n "$(registry_names "$ROOT/e1")" ] && pass engine_range_recorded || fail engine_range_recorded
	run_capture out err rc in_ranges $BIG_U $BIG_G "${OCI[@]}" create -b "$T/sleep" e2
	assert_eq slice_avoids_engine_range 265536 "$(host_uid_of "$ROOT" e2)" "stderr: $err"
	"${OCI[@]}" delete -f e1 >/dev/null 2>&1
	"${OCI[@]}" delete -f e2 >/dev/null 2>&1
	[ -z "$(registry_names "$ROOT/e1")$(registry_names "$ROOT/e2")" ] && pass engine_range_released ||
		fail engine_range_released "$(grep -s . "$REG"/[ue]*)"

	# All ranges taken: refused, nothing left behind.
	TWO_U=root:500000:131072 TWO_G=root:500000:131072
	for c in f1 f2; do
		in_ranges $TWO_U $TWO_G "${OCI[@]}" create -b "$T/scr" $c >/dev/null 2>&1
	done
	run_capture out err rc in_ranges $TWO_U $TWO_G "${OCI[@]}" create -b "$T/scr" f3
	assert_eq ranges_exhausted_status 1 "$rc"
	assert_contains ranges_exhausted_message "$err" "no free host id range"
	[ ! -e "$ROOT/f3" ] && pass ranges_exhausted_leaves_nothing || fail ranges_exhausted_leaves_nothing
	"${OCI[@]}" delete -f f1 >/dev/null 2>&1
	"${OCI[@]}" delete -f f2 >/dev/null 2>&1

	# One slice only: shared, and --debug says so.
	run_capture out err rc in_ranges root:100000:65536 root:100000:65536 \
		"${OCI[@]}" --debug create -b "$T/sleep" sh1
	assert_contains shared_range_debug "$err" "containers share them"
	assert_eq shared_range_state shared "$(json "$ROOT/sh1/state.json" 'd["idMappings"]["source"]')"
	"${OCI[@]}" delete -f sh1 >/dev/null 2>&1

	# --- config.json's mappings (an engine's user namespace): used as given, nothing
	# idmapped but the mounts that ask; mount-level mappings as given
	make_bundle "$T/eng" 'd["linux"]["namespaces"].append({"type": "user"})
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 1200000, "size": 65536}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 1300000, "size": 65536}]
t = sys.argv[1].rsplit("/", 2)[0]
bind("/rootdir", t + "/rootdir", "rw")
bind("/vol_idmap", t + "/vol", "idmap")
bind("/vol_mapped", t + "/vol", uidMappings=[{"containerID": 1000, "hostID": 1202000, "size": 1}],
     gidMappings=[{"containerID": 1000, "hostID": 1302000, "size": 1}])
d["process"]["args"] = ["sh", "-c", "stat -c %u /owned0 /rootdir /vol_idmap /vol_mapped; touch /rootdir/x 2>/dev/null; echo touch=$?"]' ||
		fail eng_bundle
	# The engine prepares the rootfs for its mapping; here, the mount points.
	mkdir "$T/eng/rootfs/rootdir" "$T/eng/rootfs/vol_idmap" "$T/eng/rootfs/vol_mapped"
	run_capture out err rc in_ranges $BIG_U $BIG_G "${OCI[@]}" run -b "$T/eng" eng
	assert_eq engine_mappings_status 0 "$rc" "stderr: $err"
	assert_eq engine_rootfs_not_idmapped_volume_idmapped $'65534\n65534\n1000\n2000\ntouch=1' "$out" "stderr: $err"
	[ ! -e "$T/rootdir/x" ] && pass engine_root_cannot_write_host_root_dir || fail engine_root_cannot_write_host_root_dir
	make_bundle "$T/engbad" 'd["linux"]["namespaces"].append({"type": "user"})
d["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 5000, "size": 65536}]
d["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 5000, "size": 65536}]' || fail engbad_bundle
	run_capture out err rc in_ranges $BIG_U $BIG_G "${OCI[@]}" run -b "$T/engbad" engbad
	assert_eq engine_outside_range_status 1 "$rc"
	assert_contains engine_outside_range_message "$err" "outside what moat may map"
	[ ! -e "$ROOT/engbad" ] && pass engine_outside_range_leaves_nothing || fail engine_outside_range_leaves_nothing

	# --- an idmap that cannot be made (ramfs has no idmapped mounts): refused
	mkdir -p "$T/ram" "$T/ramroot"
	make_bundle "$T/ramb" 'bind("/ram", sys.argv[1].rsplit("/", 2)[0] + "/ram", "rw")' || fail ramb_bundle
	run_capture out err rc unshare -m --propagation private sh -c \
		'mount -t ramfs none "$1" && shift && exec "$@"' x "$T/ram" "${OCI[@]}" run -b "$T/ramb" ramb
	assert_eq unidmappable_volume_status 1 "$rc" "stderr: $err"
	assert_contains unidmappable_volume_message "$err" "mount /ram: $T/ram cannot be idmapped"
	[ ! -e "$ROOT/ramb" ] && pass unidmappable_volume_leaves_nothing || fail unidmappable_volume_leaves_nothing
	# A rootfs that cannot be idmapped (engines' overlayfs cannot either): the
	# container runs, with a warning; host root's files are nobody's inside.
	make_bundle "$T/ramr" 'd["root"]["path"] = sys.argv[1].rsplit("/", 2)[0] + "/ramroot"
d["process"]["args"] = ["sh", "-c", "stat -c %u /owned0 /owned1000; touch /new 2>/dev/null; echo touch=$?"]' ||
		fail ramr_bundle
	run_capture out err rc unshare -m --propagation private sh -c \
		'mount -t ramfs none "$1" && cp -a "$2"/. "$1"/ && shift 2 && exec "$@"' x \
		"$T/ramroot" "$T/ramr/rootfs" "${OCI[@]}" run -b "$T/ramr" ramr
	assert_eq unidmappable_rootfs_runs 0 "$rc" "stderr: $err"
	assert_contains unidmappable_rootfs_warning "$err" "warning: rootfs $T/ramroot: cannot be idmapped"
	assert_eq unidmappable_rootfs_owners_nobody $'65534\n65534\ntouch=1' "$out" "stderr: $err"

	# --- dev.moat.host-ids=true: host ids, with a warning
	make_bundle "$T/hid" 'd["annotations"] = {"dev.moat.host-ids": "true"}
d["process"]["args"] = ["sh", "-c", "cat /proc/self/uid_map; touch /rootdir/made"]
bind("/rootdir", sys.argv[1].rsplit("/", 2)[0] + "/rootdir", "rw")' || fail hid_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/hid" hid
	assert_eq host_ids_status 0 "$rc" "stderr: $err"
	assert_contains host_ids_warning "$err" "warning: container hid: dev.moat.host-ids=true"
	assert_eq host_ids_identity_map "0 0 4294967295" "$(echo $out)"
	assert_eq host_ids_writes_as_host_root 0 "$(stat -c %u "$T/rootdir/made" 2>&1)"
	rm -f "$T/rootdir/made"
	if [ -n "$PROBE" ]; then
		make_bundle "$T/hidfd" 'd["annotations"] = {"dev.moat.host-ids": "true"}
d["process"]["args"] = ["probe", "--fd", "3"]' || fail hidfd_bundle
		run_capture out err rc "${OCI[@]}" run -b "$T/hidfd" --preserve-fds 1 hidfd 3<"$T/rootfile"
		# The opt-out is real: the probe's escape works (the mode set is the file's own).
		assert_eq host_ids_leaked_fd_is_owner 1 "$rc" "$out" "stderr: $err"
	else
		skip host_ids_leaked_fd_is_owner "no static libc to build the probe"
	fi
	make_bundle "$T/hidbad" 'd["annotations"] = {"dev.moat.host-ids": "yes"}' || fail hidbad_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/hidbad" hidbad
	assert_eq host_ids_bad_value_status 1 "$rc"
	assert_contains host_ids_bad_value_message "$err" 'expected "true" or "false"'
else
	# --- unprivileged: 0 inside is the caller; others' files are nobody's
	make_bundle "$T/own" 'd["process"]["args"] = ["sh", "-c", "stat -c %u:%g /mine /vol /etc_hostname; touch /vol/made"]
bind("/vol", sys.argv[1].rsplit("/", 2)[0] + "/vol", "rw")
bind("/etc_hostname", "/etc/hostname", "ro")' || fail own_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/own" own
	assert_eq own_status 0 "$rc" "stderr: $err"
	assert_eq caller_files_are_0_others_nobody $'0:0\n0:0\n65534:65534' "$out" "stderr: $err"
	assert_eq volume_write_lands_as_caller "$ME" "$(stat -c %u "$T/vol/made" 2>&1)"
	if [ -n "$PROBE" ]; then
		make_bundle "$T/fd" 'd["process"]["args"] = ["probe", "--fd", "3"]' || fail fd_bundle
		run_capture out err rc "${OCI[@]}" run -b "$T/fd" --preserve-fds 1 fd1 3</etc/passwd
		assert_eq leaked_fd_not_owner 0 "$rc" "$out" "stderr: $err"
	else
		skip leaked_fd_not_owner "no static libc to build the probe"
	fi
	make_bundle "$T/idm" 'bind("/vol", sys.argv[1].rsplit("/", 2)[0] + "/vol", "idmap")' || fail idm_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/idm" idm
	assert_eq idmap_mount_refused_status 1 "$rc"
	assert_contains idmap_mount_refused_message "$err" "idmapped mounts need root"
	[ ! -e "$ROOT/idm" ] && pass idmap_mount_refused_leaves_nothing || fail idmap_mount_refused_leaves_nothing
	make_bundle "$T/hid" 'd["annotations"] = {"dev.moat.host-ids": "true"}' || fail hid_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/hid" hid
	assert_eq host_ids_refused_status 1 "$rc"
	assert_contains host_ids_refused_message "$err" "only root can run a container with host ids"
	for t in image_owner_0_and_1000 volume_owner_1000 disjoint_ranges delete_releases_range \
		engine_mappings unidmappable_rootfs host_ids_identity_map; do
		skip "$t" "needs root: an unprivileged caller maps only its own id, and only host root may idmap the host's file systems"
	done
fi

[ -z "$(ls -A "$ROOT" 2>/dev/null)" ] && pass nothing_left_in_state_root ||
	fail nothing_left_in_state_root "$(ls -A "$ROOT")"
finish
