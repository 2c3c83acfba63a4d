#!/usr/bin/env bash
# OCI cgroups: linux.cgroupsPath (absolute, relative, empty, systemd form)
# and linux.resources on this host's hierarchies (v1 controllers, plus a v2
# hierarchy where mounted): values land in the files, a memory hog is
# OOM-killed, a fork bomb stops at pids.max, moat's own processes stay out,
# bad values are refused with nothing left behind, delete removes every
# directory. Unprivileged: no cgroup without resources, refusal with them.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup
grep -q cgroup /proc/self/mountinfo || { skip oci_cgroups "no cgroup file system mounted"; finish; }

# Containers a failed check left behind go before the temp dir does.
cleanup_containers() {
	local id
	for id in $(ls "$ROOT" 2>/dev/null); do
		"$MOAT" --root "$ROOT" delete --force "$id" >/dev/null 2>&1
	done
	_cleanup
}
trap cleanup_containers EXIT
# A unique top-level name per run, so that leftovers of one run cannot make
# another pass, and "nothing left" can be checked in every hierarchy.
CG=moat-it-cg-$$

# Bundles: busybox; the edits see linux.resources as `res`.
OCI_APPLETS=(sh echo cat sleep seq dd head grep true)
OCI_BUNDLE_PY='d.setdefault("linux", {})
res = d["linux"].setdefault("resources", {})'

# state_cgroup ID LABEL: the container's directory in the hierarchy LABEL
# ("memory", "cpu", "" for v2), from state.json.
state_cgroup() {
	python3 - "$ROOT/$1/state.json" "$2" <<'EOF' 2>/dev/null
import json, sys
for d in json.load(open(sys.argv[1])).get("cgroup", []):
    if d["label"] == sys.argv[2] or (sys.argv[2] in d["label"].split(",") and sys.argv[2]):
        print(d["path"])
EOF
}

# leftovers NAME: every directory called NAME under any cgroup mount.
leftovers() {
	local m
	for m in $(cgroup_mounts '^cgroup2?$' .); do
		find "$m" -maxdepth 6 -type d -name "$1" 2>/dev/null
	done
}

# own_cgroup LABEL: this shell's cgroup in the v1 hierarchy LABEL.
own_cgroup() { awk -F: -v l="$1" '$2 == l {print $3}' /proc/self/cgroup; }
# cgroup_mounts TYPE-REGEX OPTION-REGEX: mount points (mountinfo's optional
# fields vary in number: the type follows the " - ").
cgroup_mounts() {
	awk -v t="$1" -v o="$2" '{
		for (i = 6; i <= NF; i++) if ($i == "-") break
		if ($(i + 1) ~ t && ("," $(i + 3) ",") ~ o) print $5
	}' /proc/self/mountinfo
}
mount_of() { cgroup_mounts '^cgroup$' ",$1," | head -n1; }

if ! is_root; then
	# --- rootless: no delegation here
	make_bundle "$T/rl" 'd["process"]["args"] = ["sh", "-c", "echo in; cat /proc/self/cgroup"]' ||
		fail rootless_bundle
	run_capture out err rc "${OCI[@]}" --debug run -b "$T/rl" rl1
	assert_eq rootless_no_resources_runs 0 "$rc" "stderr: $err"
	assert_contains rootless_no_resources_output "$out" "in"
	assert_contains rootless_debug_says_no_cgroup "$err" "no cgroup for the container"
	make_bundle "$T/rl2" 'd["process"]["args"] = ["true"]
res["pids"] = {"limit": 10}' || fail rootless_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/rl2" rl2
	assert_eq rootless_resources_refused 1 "$rc" "stdout: $out"
	assert_contains rootless_resources_error "$err" "linux.resources: unprivileged"
	assert_eq rootless_refused_no_state "" "$(ls "$ROOT" 2>/dev/null)"
	finish
fi

MEM=$(mount_of memory)
PIDS=$(mount_of pids)
CPU=$(mount_of cpu)
[ -n "$MEM" ] && [ -n "$PIDS" ] && [ -n "$CPU" ] ||
	{ skip oci_cgroups "memory, pids and cpu controllers not on cgroup v1 here (the v2 backend is covered by tests/unit/test_cgroup.c)"; finish; }

# --- values land; pid 1 is in the cgroup, the monitor is not; cgroup namespace
make_bundle "$T/vals" "d['process']['args'] = ['sleep', '100']
d['linux']['cgroupsPath'] = '/$CG/vals'
res['memory'] = {'limit': 64 << 20, 'reservation': 32 << 20, 'swappiness': 10}
res['cpu'] = {'shares': 512, 'quota': 25000, 'period': 50000, 'cpus': '0', 'mems': '0'}
res['pids'] = {'limit': 50}" || fail vals_bundle
if [ -e "$MEM/memory.memsw.limit_in_bytes" ]; then
	python3 - "$T/vals/config.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["linux"]["resources"]["memory"]["swap"] = 96 << 20
json.dump(d, open(sys.argv[1], "w"))
EOF
fi
run_capture out err rc "${OCI[@]}" create -b "$T/vals" vals
assert_eq create_with_resources 0 "$rc" "stderr: $err"
assert_eq memory_limit_file $((64 << 20)) "$(cat "$MEM/$CG/vals/memory.limit_in_bytes" 2>&1)"
assert_eq memory_reservation_file $((32 << 20)) "$(cat "$MEM/$CG/vals/memory.soft_limit_in_bytes" 2>&1)"
assert_eq memory_swappiness_file 10 "$(cat "$MEM/$CG/vals/memory.swappiness" 2>&1)"
if [ -e "$MEM/memory.memsw.limit_in_bytes" ]; then
	assert_eq memory_swap_file $((96 << 20)) "$(cat "$MEM/$CG/vals/memory.memsw.limit_in_bytes" 2>&1)"
else
	skip memory_swap_file "no memory.memsw.limit_in_bytes (swap accounting off)"
fi
assert_eq cpu_shares_file 512 "$(cat "$CPU/$CG/vals/cpu.shares" 2>&1)"
assert_eq cpu_quota_file 25000 "$(cat "$CPU/$CG/vals/cpu.cfs_quota_us" 2>&1)"
assert_eq cpu_period_file 50000 "$(cat "$CPU/$CG/vals/cpu.cfs_period_us" 2>&1)"
assert_eq pids_max_file 50 "$(cat "$PIDS/$CG/vals/pids.max" 2>&1)"
CPUSET=$(mount_of cpuset)
if [ -n "$CPUSET" ]; then
	assert_eq cpuset_cpus_file 0 "$(cat "$CPUSET/$CG/vals/cpuset.cpus" 2>&1)"
	# moat created $CG itself: cpus and mems were copied down from the root
	assert_eq cpuset_parent_copied "$(cat "$CPUSET/cpuset.cpus")" "$(cat "$CPUSET/$CG/cpuset.cpus" 2>&1)"
fi
# An empty cpuset ancestor moat did not make (an engine's, a test's) is
# filled too: no task could join below it otherwise (ENOSPC).
if [ -n "$CPUSET" ] && mkdir "$CPUSET/$CG-pre"; then
	make_bundle "$T/pre" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG-pre/c'" || fail pre_bundle
	run_capture out err rc "${OCI[@]}" run -b "$T/pre" pre
	assert_eq cpuset_empty_ancestor_filled_run 0 "$rc" "stderr: $err"
	assert_eq cpuset_empty_ancestor_filled "$(cat "$CPUSET/cpuset.cpus")" "$(cat "$CPUSET/$CG-pre/cpuset.cpus" 2>&1)"
	rmdir "$CPUSET/$CG-pre" 2>/dev/null
fi
init=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$ROOT/vals/state.json")
monitor=$(monitor_pid vals)
assert_eq init_in_memory_cgroup "$init" "$(cat "$MEM/$CG/vals/cgroup.procs" 2>&1)"
assert_eq state_records_cgroup "$MEM/$CG/vals" "$(state_cgroup vals memory)"
# Created, not started: pid 1 alone counts; the monitor, gofer and sentry
# (up to 128 threads) stay in moat's cgroup.
assert_eq only_init_counts_against_pids 1 "$(cat "$PIDS/$CG/vals/pids.current" 2>&1)"
assert_eq monitor_in_callers_cgroup "$(own_cgroup pids)" \
	"$(awk -F: '$2 == "pids" {print $3}' "/proc/$monitor/cgroup" 2>&1)"
"${OCI[@]}" start vals
sleep 0.5
# pid 1 execs the process itself: still one.
assert_eq started_counts_the_process 1 "$(cat "$PIDS/$CG/vals/pids.current" 2>&1)"
run_capture out err rc "${OCI[@]}" delete --force vals
assert_eq delete_running 0 "$rc" "stderr: $err"
assert_eq delete_removes_cgroups "" "$(leftovers "$CG")"

# --- foreground run: the cgroup namespace, config.json's /sys/fs/cgroup
# mount (the container's own cgroups, read-only), and removal at exit
make_bundle "$T/ns" "d['process']['args'] = ['sh', '-c', 'cat /proc/self/cgroup; echo MAX=\$(cat /sys/fs/cgroup/pids/pids.max); echo MEM=\$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo 5 > /sys/fs/cgroup/pids/pids.max && echo WRITABLE; true']
d['linux']['cgroupsPath'] = '/$CG/ns'
res['pids'] = {'limit': 33}
res['memory'] = {'limit': 100 << 20}" || fail ns_bundle
run_capture out err rc "${OCI[@]}" run -b "$T/ns" ns
assert_eq run_ns 0 "$rc" "stderr: $err"
assert_contains cgroupns_root_memory "$out" ":memory:/"$'\n'
assert_not_contains cgroupns_hides_path "$out" "$CG"
assert_contains cgroup_mount_pids "$out" "MAX=33"
assert_contains cgroup_mount_memory "$out" "MEM=$((100 << 20))"
assert_not_contains cgroup_mount_read_only "$out" "WRITABLE"
assert_eq run_removes_cgroups "" "$(leftovers "$CG")"

# --- relative and empty cgroupsPath: under moat's own cgroup (runc's cgroupfs)
make_bundle "$T/rel" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '$CG-rel/c'" || fail rel_bundle
run_capture out err rc "${OCI[@]}" create -b "$T/rel" rel
own=$(own_cgroup memory)
[ "$own" = / ] && own=
assert_eq relative_path 0 "$rc" "stderr: $err"
assert_eq relative_under_own_cgroup "$MEM$own/$CG-rel/c" "$(state_cgroup rel memory)"
[ -d "$MEM$own/$CG-rel/c" ] && pass relative_dir_exists || fail relative_dir_exists
"${OCI[@]}" delete --force rel
assert_eq relative_removed "" "$(leftovers "$CG-rel")"
make_bundle "$T/empty" "d['process']['args'] = ['true']
d['linux'].pop('cgroupsPath', None)" || fail empty_bundle
run_capture out err rc "${OCI[@]}" create -b "$T/empty" "$CG-id"
assert_eq empty_path_is_id "$MEM$own/$CG-id" "$(state_cgroup "$CG-id" memory)"
"${OCI[@]}" delete --force "$CG-id"
assert_eq empty_removed "" "$(leftovers "$CG-id")"

# --- memory: a hog is OOM-killed (no swap either, where swap is accounted)
make_bundle "$T/oom" "d['process']['args'] = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=128M', 'count=1']
d['linux']['cgroupsPath'] = '/$CG/oom'
res['memory'] = {'limit': 32 << 20}
if $([ -e "$MEM/memory.memsw.limit_in_bytes" ] && echo True || echo False): res['memory']['swap'] = 32 << 20" ||
	fail oom_bundle
run_capture out err rc "${OCI[@]}" run --keep -b "$T/oom" oom
assert_eq oom_killed_137 137 "$rc" "stderr: $err"
failcnt=$(cat "$MEM/$CG/oom/memory.failcnt" 2>/dev/null)
oomkills=$(awk '$1 == "oom_kill" {print $2}' "$MEM/$CG/oom/memory.oom_control" 2>/dev/null)
[ "${oomkills:-0}" -gt 0 ] && pass oom_kill_counted_in_cgroup ||
	fail oom_kill_counted_in_cgroup "memory.oom_control oom_kill=$oomkills failcnt=$failcnt"
"${OCI[@]}" delete oom
# and without the limit the same command succeeds (the limit did it)
make_bundle "$T/nooom" "d['process']['args'] = ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=128M', 'count=1']
d['linux']['cgroupsPath'] = '/$CG/nooom'" || fail nooom_bundle
assert_status no_limit_no_oom 0 "${OCI[@]}" run -b "$T/nooom" nooom

# --- pids: a fork bomb stops at the limit; moat's threads do not count
make_bundle "$T/bomb" "d['process']['args'] = ['sh', '-c', 'for i in \$(seq 40); do sleep 5 & done; sleep 1; echo done']
d['linux']['cgroupsPath'] = '/$CG/bomb'
res['pids'] = {'limit': 10}" || fail bomb_bundle
run_capture out err rc "${OCI[@]}" run --keep -b "$T/bomb" bomb
assert_contains fork_bomb_refused "$err" "can't fork"
events=$(awk '$1 == "max" {print $2}' "$PIDS/$CG/bomb/pids.events" 2>/dev/null)
[ "${events:-0}" -gt 0 ] && pass pids_events_max || fail pids_events_max "pids.events max=$events"
"${OCI[@]}" delete --force bomb
assert_eq bomb_removed "" "$(leftovers bomb | grep "$CG")"
make_bundle "$T/few" "d['process']['args'] = ['sh', '-c', 'echo ok']
d['linux']['cgroupsPath'] = '/$CG/few'
res['pids'] = {'limit': 2}" || fail few_bundle
run_capture out err rc "${OCI[@]}" run -b "$T/few" few
assert_eq pids_2_is_enough_for_init_and_sh "0 ok" "$rc $out" "stderr: $err"

# refused NAME EXPECTED-TEXT PYTHON-EDIT: create fails with status 1 and one
# line, and leaves no state and no cgroup directory.
refused() { # NAME EXPECTED-TEXT PYTHON-EDIT
	local name=$1 want=$2
	make_bundle "$T/$name" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG/$name'
$3" || fail "${name}_bundle"
	run_capture out err rc "${OCI[@]}" create -b "$T/$name" "$name"
	assert_eq "${name}_status_1" 1 "$rc" "stderr: $err"
	assert_contains "${name}_message" "$err" "$want"
	assert_eq "${name}_one_line" 1 "$(printf '%s\n' "$err" | grep -c .)" "$err"
	assert_eq "${name}_no_state" "" "$(ls "$ROOT" 2>/dev/null)"
	assert_eq "${name}_no_cgroup" "" "$(leftovers "$CG")"
}

# --- hugetlb: on this hybrid host it is the v2 hierarchy's only controller,
# so this runs the v2 backend for real (subtree_control, hugetlb.2MB.max,
# linux.resources.unified, cgroup.kill and removal at delete).
V2=$(cgroup_mounts '^cgroup2$' . | head -n1)
if [ -n "$V2" ] && grep -qw hugetlb "$V2/cgroup.controllers" && [ -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
	make_bundle "$T/huge" "d['process']['args'] = ['sleep', '100']
d['linux']['cgroupsPath'] = '/$CG/huge'
res['hugepageLimits'] = [{'pageSize': '2MB', 'limit': 4 << 20}]
res['unified'] = {'hugetlb.1GB.max': str(1 << 30)} if $([ -d /sys/kernel/mm/hugepages/hugepages-1048576kB ] && echo True || echo False) else {}" ||
		fail huge_bundle
	run_capture out err rc "${OCI[@]}" create -b "$T/huge" huge
	assert_eq v2_hugetlb_create 0 "$rc" "stderr: $err"
	assert_eq v2_hugetlb_max $((4 << 20)) "$(cat "$V2/$CG/huge/hugetlb.2MB.max" 2>&1)"
	if [ -d /sys/kernel/mm/hugepages/hugepages-1048576kB ]; then
		assert_eq v2_unified_value $((1 << 30)) "$(cat "$V2/$CG/huge/hugetlb.1GB.max" 2>&1)"
	fi
	assert_contains v2_subtree_control "$(cat "$V2/cgroup.subtree_control")" hugetlb
	init=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$ROOT/huge/state.json")
	assert_eq v2_init_joined "$init" "$(cat "$V2/$CG/huge/cgroup.procs" 2>&1)"
	"${OCI[@]}" start huge
	run_capture out err rc "${OCI[@]}" delete --force huge
	assert_eq v2_delete 0 "$rc" "stderr: $err"
	assert_eq v2_removed "" "$(leftovers "$CG")"
	refused v2_bad_unified "linux.resources.unified: write \"1\" to $V2/$CG/v2_bad_unified/memory.max: No such file or directory" \
		"res['unified'] = {'memory.max': '1'}"
else
	skip v2_hugetlb "no cgroup2 hierarchy with the hugetlb controller and 2 MB pages here"
	[ -z "$V2" ] && refused unified_without_v2 "linux.resources.unified: needs cgroup v2" \
		"res['unified'] = {'memory.max': '1'}"
fi

# --- refusals: one line naming field and file, nothing left behind
refused bad_cpus "linux.resources.cpu.cpus: write \"999\" to $CPUSET/$CG/bad_cpus/cpuset.cpus" \
	"res['cpu'] = {'cpus': '999'}"
refused low_shares "linux.resources.cpu.shares" "res['cpu'] = {'shares': 1}"
refused systemd_path "systemd cgroup driver" "d['linux']['cgroupsPath'] = 'system.slice:moat:x'"

# A frozen cgroup would stop pid 1 at once and `create` would wait forever:
# refused (as runc), in bounded time, the frozen cgroup left as it was.
FREEZER=$(mount_of freezer)
if [ -n "$FREEZER" ] && mkdir -p "$FREEZER/$CG-frozen" &&
	echo FROZEN >"$FREEZER/$CG-frozen/freezer.state"; then
	make_bundle "$T/frozen" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG-frozen'" || fail frozen_bundle
	run_capture out err rc timeout 30 "${OCI[@]}" create -b "$T/frozen" frozen
	assert_eq frozen_cgroup_status_1 1 "$rc" "stderr: $err"
	assert_contains frozen_cgroup_message "$err" "$FREEZER/$CG-frozen is frozen"
	assert_eq frozen_cgroup_no_state "" "$(ls "$ROOT" 2>/dev/null)"
	echo THAWED >"$FREEZER/$CG-frozen/freezer.state"
	rmdir "$FREEZER/$CG-frozen" # the test's; moat must have removed what it made
	assert_eq frozen_cgroup_nothing_left "" "$(leftovers "$CG-frozen")"
else
	skip frozen_cgroup "no v1 freezer hierarchy here"
fi
# blkio: the weight goes to blkio.weight or, under BFQ, blkio.bfq.weight
# (the root cgroup shows neither: probe a child); without both, an error.
BLKIO=$(mount_of blkio)
if [ -n "$BLKIO" ] && mkdir "$BLKIO/$CG-probe" 2>/dev/null; then
	weight_file=
	for f in blkio.weight blkio.bfq.weight; do
		[ -z "$weight_file" ] && [ -e "$BLKIO/$CG-probe/$f" ] && weight_file=$f
	done
	leaf=$([ -e "$BLKIO/$CG-probe/blkio.leaf_weight" ] && echo yes)
	rmdir "$BLKIO/$CG-probe"
	if [ -z "$weight_file" ]; then
		refused blkio_weight "linux.resources.blockIO.weight: neither blkio.weight nor blkio.bfq.weight" \
			"res['blockIO'] = {'weight': 500}"
	else
		make_bundle "$T/blk" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG/blk'
res['blockIO'] = {'weight': 500}" || fail blk_bundle
		run_capture out err rc "${OCI[@]}" create -b "$T/blk" blk
		assert_eq blkio_weight_create 0 "$rc" "stderr: $err"
		assert_eq "blkio_weight_in_$weight_file" 500 "$(cat "$BLKIO/$CG/blk/$weight_file" 2>&1)"
		"${OCI[@]}" delete --force blk
	fi
	# A requested value whose file this kernel lacks: an error, never skipped.
	[ -z "$leaf" ] && refused blkio_leaf_weight "linux.resources.blockIO.leafWeight: write \"300\" to $BLKIO/$CG/blkio_leaf_weight/blkio.leaf_weight: No such file or directory" \
		"res['blockIO'] = {'leafWeight': 300}"
fi
if [ ! -e "$MEM/memory.memsw.limit_in_bytes" ]; then
	refused swap_unaccounted "memory.memsw.limit_in_bytes does not exist" \
		"res['memory'] = {'limit': 1 << 30, 'swap': 2 << 30}"
fi

# --- a create that fails after pid 1 joined (a failing prestart hook)
# removes the cgroup with everything in it
make_bundle "$T/hookfail" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG/hookfail'
res['pids'] = {'limit': 20}
d['hooks'] = {'prestart': [{'path': '/bin/false'}]}" || fail hookfail_bundle
run_capture out err rc "${OCI[@]}" create -b "$T/hookfail" hookfail
assert_eq hook_failure_status_1 1 "$rc" "stderr: $err"
assert_eq hook_failure_no_cgroup "" "$(leftovers "$CG")"
assert_eq hook_failure_no_state "" "$(ls "$ROOT" 2>/dev/null)"

# --- delete empties the cgroup: a process moved in from outside (as exec
# does with cgroup_join) is killed (freezer on v1, cgroup.kill on v2)
make_bundle "$T/extra" "d['process']['args'] = ['sleep', '100']
d['linux']['cgroupsPath'] = '/$CG/extra'" || fail extra_bundle
run_capture out err rc "${OCI[@]}" run -d -b "$T/extra" extra
assert_eq extra_run_detached 0 "$rc" "stderr: $err"
# not this shell's child: its death is checked through /proc
outsider=$(python3 -c 'import os, subprocess
p = subprocess.Popen(["sleep", "100"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)
print(p.pid)
os._exit(0)')
python3 - "$ROOT/extra/state.json" "$outsider" <<'EOF2'
import json, sys
for d in json.load(open(sys.argv[1]))["cgroup"]:
    open(d["path"] + "/cgroup.procs", "w").write(sys.argv[2])
EOF2
grep -qx "$outsider" "$MEM/$CG/extra/cgroup.procs" && pass outsider_joined || fail outsider_joined
run_capture out err rc "${OCI[@]}" delete --force extra
assert_eq extra_delete 0 "$rc" "stderr: $err"
for i in $(seq 50); do
	grep -q '^[^)]*) [^ZX]' "/proc/$outsider/stat" 2>/dev/null || break
	sleep 0.1
done
grep -q '^[^)]*) [^ZX]' "/proc/$outsider/stat" 2>/dev/null && fail outsider_killed ||
	pass outsider_killed
kill -9 "$outsider" 2>/dev/null
assert_eq extra_removed "" "$(leftovers "$CG")"

# --- a cgroup that already holds processes is not a container's own
mkdir -p "$PIDS/$CG-busy"
sleep 30 &
busy=$!
echo "$busy" >"$PIDS/$CG-busy/cgroup.procs"
make_bundle "$T/busy" "d['process']['args'] = ['true']
d['linux']['cgroupsPath'] = '/$CG-busy'" || fail busy_bundle
run_capture out err rc "${OCI[@]}" create -b "$T/busy" busy
assert_eq busy_cgroup_refused 1 "$rc"
assert_contains busy_cgroup_message "$err" "already holds processes"
kill "$busy"
wait "$busy" 2>/dev/null
echo "$$" >"$PIDS$(own_cgroup pids)/cgroup.procs" 2>/dev/null
rmdir "$PIDS/$CG-busy" 2>/dev/null
for m in $(leftovers "$CG-busy"); do rmdir "$m"; done

assert_eq nothing_left "" "$(leftovers "$CG"; ls "$ROOT" 2>/dev/null)"
finish
