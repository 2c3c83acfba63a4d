#!/usr/bin/env bash
# config.json's process and security attributes under `moat run`:
# capabilities (inside the container's user namespace, never on the host),
# noNewPrivileges, rlimits, oomScoreAdj, umask, linux.sysctl and
# domainname, config.json's masked and read-only paths, linux.devices and
# the createContainer / startContainer hooks. As root with `moat spec`,
# unprivileged with `moat spec --rootless`.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup

# A static helper for what busybox cannot do: drop every capability, then
# open a file (was the sentry's cached view of the credentials refreshed?).
PROBE=
if need cc; then
	cat >"$T/probe.c" <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2] = {{0}};
	int fd;

	if (argc != 3 || strcmp(argv[1], "drop-open"))
		return 2;
	if (syscall(SYS_capset, &h, d) < 0)
		return perror("capset"), 3;
	fd = open(argv[2], O_RDONLY);
	printf("open: %s\n", fd < 0 ? strerror(errno) : "ok");
	return 0;
}
EOF
	cc -static -O -o "$T/probe" "$T/probe.c" 2>"$T/probe.log" && PROBE=$T/probe
fi

# Bundles: busybox and the probe, a tmpfs on /tmp; caps(...) sets every
# capability set, ns(kind) adds a namespace.
OCI_APPLETS=(sh echo cat sleep ls id grep hostname touch chmod chown stat mkdir mount umask
	true false readlink)
add_probe() { [ -z "$PROBE" ] || cp "$PROBE" "$1/bin/probe"; }
OCI_ROOTFS_EXTRA=add_probe
OCI_BUNDLE_PY='d["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev", "mode=1777"]})
def caps(*names, sets=("bounding", "effective", "permitted", "inheritable", "ambient")):
    d["process"]["capabilities"] = {s: list(names) for s in sets}
def ns(kind):
    if not any(n["type"] == kind for n in d["linux"]["namespaces"]):
        d["linux"]["namespaces"].append({"type": kind})'

capline() { printf '%s\n' "$out" | grep "^$1:" | cut -f2; }

# --- capabilities
# moat spec's: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE in bounding,
# effective and permitted.
run_bundle capdef 'd["process"]["args"] = ["grep", "^Cap", "/proc/self/status"]'
assert_eq caps_spec_status 0 "$rc" "stderr: $err"
assert_eq caps_spec_effective 0000000020000420 "$(capline CapEff)" "$out"
assert_eq caps_spec_permitted 0000000020000420 "$(capline CapPrm)"
assert_eq caps_spec_bounding 0000000020000420 "$(capline CapBnd)"
assert_eq caps_spec_inheritable 0000000000000000 "$(capline CapInh)"
assert_eq caps_spec_ambient 0000000000000000 "$(capline CapAmb)"

# Files the kernel guards with ptrace checks (maps, environ) stay readable
# by a process holding capabilities the gofer lacks.
run_bundle capproc 'd["process"]["env"].append("MARK=env-readable")
d["process"]["args"] = ["sh", "-c", "grep -q busybox /proc/self/maps && echo MAPS; grep -q MARK=env-readable /proc/self/environ && echo ENVIRON"]'
assert_eq caps_proc_ptrace_files $'MAPS\nENVIRON' "$out" "stderr: $err"

run_bundle capnone 'd["process"].pop("capabilities")
d["process"]["args"] = ["grep", "^Cap", "/proc/self/status"]'
assert_eq caps_absent_none "0000000000000000 0000000000000000 0000000000000000" \
	"$(capline CapEff) $(capline CapPrm) $(capline CapBnd)" "$out" "stderr: $err"

# pid 1 holds exactly what the process holds (it forks it).
run_bundle cappid1 'caps("CAP_CHOWN", sets=("bounding", "effective", "permitted"))
d["process"]["args"] = ["grep", "^CapEff", "/proc/1/status"]'
assert_eq caps_pid1_same $'CapEff:\t0000000000000001' "$out" "stderr: $err"

# A non-root user keeps only its ambient set across execve (the kernel's
# rule, as with runc): all five sets given, all five seen.
if is_root; then
	run_bundle capuser 'caps("CAP_CHOWN", "CAP_DAC_OVERRIDE")
d["process"]["user"] = {"uid": 1000, "gid": 1000}
d["process"]["args"] = ["grep", "^Cap", "/proc/self/status"]'
	assert_eq caps_ambient_user \
		"0000000000000003 0000000000000003 0000000000000003 0000000000000003 0000000000000003" \
		"$(capline CapInh) $(capline CapPrm) $(capline CapEff) $(capline CapBnd) $(capline CapAmb)" \
		"$out" "stderr: $err"
else
	skip caps_ambient_user "needs root (a rootless container has one id)"
fi

# process.cwd is entered before the user changes, as runc does: a user who
# could not reach it (root's 0700 /root) still starts there.
if is_root; then
	make_bundle "$T/cwdroot" 'd["process"]["user"] = {"uid": 1000, "gid": 1000}
d["process"]["cwd"] = "/root"
d["process"]["args"] = ["sh", "-c", "pwd; ls . >/dev/null 2>&1 || echo cannot-list"]' ||
		fail cwdroot_bundle
	mkdir -p "$T/cwdroot/rootfs/root" && chmod 0700 "$T/cwdroot/rootfs/root"
	run_capture out err rc "${OCI[@]}" run -b "$T/cwdroot" cwdroot
	assert_eq cwd_entered_before_user $'/root\ncannot-list' "$out" "status $rc, stderr: $err"
else
	skip cwd_entered_before_user "needs root (a rootless container has one id)"
fi

# CAP_CHOWN: chown of a file the container owns to another of its ids.
chown_script='touch /tmp/f && chown 1:1 /tmp/f && stat -c %u:%g /tmp/f'
if is_root; then
	run_bundle chownyes 'caps("CAP_CHOWN", sets=("bounding", "effective", "permitted"))
d["process"]["args"] = ["sh", "-c", "'"$chown_script"'"]'
	assert_eq cap_chown_granted "1:1" "$out" "stderr: $err"
else
	skip cap_chown_granted "a rootless container maps one id: nothing to chown to"
fi
run_bundle chownno 'caps("CAP_KILL", sets=("bounding", "effective", "permitted"))
d["process"]["args"] = ["sh", "-c", "'"$chown_script"'"]'
assert_contains cap_chown_not_granted_eperm "$err" "Operation not permitted" "rc: $rc" "out: $out"

# CAP_DAC_OVERRIDE: root's file with mode 000 (checked by the gofer with
# the caller's capabilities).
dac_script='echo secret > /tmp/s && chmod 000 /tmp/s && cat /tmp/s'
run_bundle dacyes 'caps("CAP_DAC_OVERRIDE", sets=("bounding", "effective", "permitted"))
d["process"]["args"] = ["sh", "-c", "'"$dac_script"'"]'
assert_eq cap_dac_override_granted secret "$out" "stderr: $err"
run_bundle dacno 'd["process"]["args"] = ["sh", "-c", "'"$dac_script"'"]'
assert_contains cap_dac_override_not_granted "$err" "Permission denied" "rc: $rc" "out: $out"

# The sentry reads credentials per call once they can change: a process
# that drops its capabilities loses the gofer's DAC override at once.
if [ -n "$PROBE" ]; then
	run_bundle dacdrop 'caps("CAP_DAC_OVERRIDE", sets=("bounding", "effective", "permitted"))
d["process"]["args"] = ["sh", "-c", "'"$dac_script"' && probe drop-open /tmp/s"]'
	assert_eq caps_dropped_seen_by_gofer $'secret\nopen: Permission denied' "$out" "stderr: $err"
else
	skip caps_dropped_seen_by_gofer "no C compiler for the probe: $(head -c 200 "$T/probe.log" 2>/dev/null)"
fi

# Every capability granted still reaches nothing of the host: a host-root
# file handed in as an fd (--preserve-fds; its owner is not mapped, so
# CAP_FOWNER does not apply: chmod to its own mode is refused), no mount
# over a path, no host sysctl (read-only paths cleared so only the
# capability is in the way), no hostname.
host_lease=$(cat /proc/sys/fs/lease-break-time)
passwd_mode=$(stat -c %a /etc/passwd)
make_bundle "$T/capall" 'import subprocess
names = subprocess.run(["'"$MOAT"'", "features"], capture_output=True, text=True).stdout
caps(*json.loads(names)["linux"]["capabilities"], sets=("bounding", "effective", "permitted"))
d["linux"]["readonlyPaths"] = []
d["process"]["args"] = ["sh", "-c", "grep ^CapEff /proc/self/status; chmod '"$passwd_mode"' /proc/self/fd/3 && echo CHMOD; mount -t tmpfs none /tmp && echo MOUNTED; echo '$((host_lease + 7))' > /proc/sys/fs/lease-break-time && echo SYSCTL; hostname evil && echo HOSTNAME; true"]' ||
	fail capall_bundle
run_capture out err rc "${OCI[@]}" run -b "$T/capall" --preserve-fds 1 capall 3</etc/passwd
assert_contains caps_all_granted "$out" "CapEff:	000001ffffffffff" "stderr: $err"
assert_not_contains caps_all_no_host_file_chmod "$out" CHMOD
assert_contains caps_all_host_file_refused "$err" "chmod: /proc/self/fd/3: "
assert_not_contains caps_all_no_mount "$out" MOUNTED
assert_not_contains caps_all_no_host_sysctl "$out" SYSCTL
assert_eq caps_all_host_sysctl_unchanged "$host_lease" "$(cat /proc/sys/fs/lease-break-time)"
assert_not_contains caps_all_no_hostname "$out" HOSTNAME

# Sets the kernel would refuse are refused before anything starts.
run_bundle capbad 'd["process"]["capabilities"] = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "effective": ["CAP_KILL", "CAP_CHOWN"]}'
assert_eq caps_effective_not_permitted_1 1 "$rc"
assert_contains caps_effective_not_permitted_message "$err" \
	"process.capabilities.effective: CAP_CHOWN is not in the permitted set"
[ ! -e "$ROOT/capbad" ] && pass caps_bad_no_state || fail caps_bad_no_state
run_bundle ambbad 'd["process"]["capabilities"] = {"bounding": ["CAP_KILL"], "permitted": ["CAP_KILL"], "ambient": ["CAP_KILL"]}'
assert_contains caps_ambient_not_inheritable "$err" \
	"process.capabilities.ambient: CAP_KILL is not in both the permitted and the inheritable set"

# `moat exec`: the process object's capabilities (the bundle's, or
# --process's); no_new_privs always (exec --no-new-privs is always on).
make_bundle "$T/execcaps" 'caps("CAP_CHOWN", "CAP_KILL", sets=("bounding", "effective", "permitted"))
d["process"]["noNewPrivileges"] = False
d["process"]["args"] = ["sleep", "1000"]' || fail execcaps_bundle
run_capture out err rc "${OCI[@]}" run -d -b "$T/execcaps" execcaps
assert_eq exec_container_started 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec execcaps grep -E "^(CapEff|NoNewPrivs):" /proc/self/status
assert_eq exec_caps_of_process $'CapEff:\t0000000000000021\nNoNewPrivs:\t1' "$out" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec execcaps sh -c "ulimit -Hn; umask"
assert_eq exec_rlimit_umask $'1024\n0022' "$out" "stderr: $err"
cat >"$T/execcaps.json" <<'EOF2'
{"args": ["grep", "^CapEff", "/proc/self/status"], "cwd": "/", "env": ["PATH=/bin"],
 "user": {"uid": 0, "gid": 0},
 "capabilities": {"bounding": ["CAP_FOWNER"], "effective": ["CAP_FOWNER"], "permitted": ["CAP_FOWNER"]}}
EOF2
run_capture out err rc "${OCI[@]}" exec --process "$T/execcaps.json" execcaps
assert_eq exec_caps_of_process_file $'CapEff:\t0000000000000008' "$out" "stderr: $err"
"${OCI[@]}" delete --force execcaps >/dev/null 2>&1

# --- noNewPrivileges
run_bundle nnp 'd["process"]["args"] = ["grep", "-E", "^(NoNewPrivs|Seccomp):", "/proc/self/status"]'
assert_eq nnp_default_on $'NoNewPrivs:\t1\nSeccomp:\t2' "$out" "stderr: $err"
run_bundle nonnp 'd["process"]["noNewPrivileges"] = False
d["process"]["args"] = ["sh", "-c", "grep -E \"^(NoNewPrivs|Seccomp|CapEff):\" /proc/self/status; grep ^CapEff /proc/1/status; mount -t tmpfs none /tmp || echo NOMOUNT; ls /"]'
assert_contains nnp_false_off "$out" $'NoNewPrivs:\t0' "stderr: $err"
assert_contains nnp_false_still_filtered "$out" $'Seccomp:\t2'
# CAP_SYS_ADMIN, held only to load the filter without no_new_privs, is gone
# from the process and from pid 1.
assert_eq nnp_false_no_sys_admin_left $'CapEff:\t0000000020000420\nCapEff:\t0000000020000420' \
	"$(printf '%s\n' "$out" | grep ^CapEff)"
assert_contains nnp_false_mount_denied "$out" NOMOUNT
assert_not_contains nnp_false_root_is_bundle "$out" "$(basename "$T")"

# --- rlimits, oomScoreAdj, umask
run_bundle limits 'd["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 100, "hard": 200}, {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]
d["process"]["oomScoreAdj"] = 123
d["process"]["user"]["umask"] = 0o027
d["process"]["args"] = ["sh", "-c", "ulimit -n; ulimit -Hn; ulimit -c; cat /proc/self/oom_score_adj; umask"]'
assert_eq rlimits_oom_umask $'100\n200\n0\n123\n0027' "$out" "stderr: $err"
run_bundle umaskdef 'd["process"]["args"] = ["sh", "-c", "umask"]'
assert_eq umask_default_0022 0022 "$out" "stderr: $err"

hard=$(ulimit -Hn)
if (ulimit -Hn $((hard + 1))) 2>/dev/null; then can_raise=1; else can_raise=0; fi
run_bundle rlraise 'd["process"]["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": '$((hard + 1))'}]
d["process"]["args"] = ["sh", "-c", "ulimit -Hn"]'
if [ $can_raise = 1 ]; then
	assert_eq rlimit_raise_as_host "$((hard + 1))" "$out" "stderr: $err"
else
	assert_eq rlimit_raise_refused_1 1 "$rc" "out: $out"
	assert_contains rlimit_raise_refused_message "$err" \
		"process.rlimits RLIMIT_NOFILE: cannot raise the hard limit from $hard to $((hard + 1))"
	[ ! -e "$ROOT/rlraise" ] && pass rlimit_raise_no_state || fail rlimit_raise_no_state
fi

if sh -c 'echo -100 >/proc/self/oom_score_adj' 2>/dev/null; then can_lower=1; else can_lower=0; fi
run_bundle oomlow 'd["process"]["oomScoreAdj"] = -100
d["process"]["args"] = ["cat", "/proc/self/oom_score_adj"]'
if [ $can_lower = 1 ]; then
	assert_eq oom_lower_as_host -100 "$out" "stderr: $err"
else
	assert_eq oom_lower_refused_1 1 "$rc" "out: $out"
	assert_contains oom_lower_refused_message "$err" \
		"process.oomScoreAdj -100: lowering it below 0 needs CAP_SYS_RESOURCE on the host"
fi

# --- sysctl and domainname
run_bundle sysctl 'ns("network"); ns("ipc"); ns("uts")
d["domainname"] = "example.org"
d["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789", "net/ipv4/ping_group_range": "0 0"}
d["process"]["args"] = ["cat", "/proc/sys/net/ipv4/ip_forward", "/proc/sys/kernel/shmmax", "/proc/sys/net/ipv4/ping_group_range", "/proc/sys/kernel/domainname"]'
assert_eq sysctl_applied $'1\n123456789\n0\t0\nexample.org' "$out" "stderr: $err"
run_bundle sysdom 'ns("uts")
d["linux"]["sysctl"] = {"kernel.domainname": "from.sysctl"}
d["process"]["args"] = ["cat", "/proc/sys/kernel/domainname"]'
assert_eq sysctl_domainname from.sysctl "$out" "stderr: $err"

assert_refused sysctl_host_key 'd["linux"]["sysctl"] = {"kernel.pid_max": "4096"}' \
	'linux.sysctl: "kernel.pid_max" is not in a separate kernel namespace'
assert_refused sysctl_net_host 'd["linux"]["namespaces"] = [n for n in d["linux"]["namespaces"] if n["type"] != "network"]
d["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}' \
	'linux.sysctl: "net.ipv4.ip_forward" is not allowed in the host'"'"'s network namespace'
assert_refused sysctl_hostname 'ns("uts")
d["linux"]["sysctl"] = {"kernel.hostname": "x"}' \
	'"kernel.hostname" is not allowed as it conflicts with the hostname field'
assert_refused sysctl_dotdot 'ns("network")
d["linux"]["sysctl"] = {"net/../kernel/pid_max": "1"}' \
	'linux.sysctl: key "net/../kernel/pid_max" is not valid'

# --- masked and read-only paths: config.json's lists, not moat's
make_bundle "$T/masks" 'd["root"]["readonly"] = False
d["linux"]["maskedPaths"] = ["/secret-dir", "/secret-file", "/missing"]
d["linux"]["readonlyPaths"] = ["/data"]
d["process"]["args"] = ["sh", "-c", "ls /secret-dir; cat /secret-file; echo end; touch /secret-dir/x || echo MASKRO; touch /data/x || echo DATARO; touch /other && echo OTHERRW; stat -c %F /proc/timer_list"]'
mkdir -p "$T/masks/rootfs/secret-dir" "$T/masks/rootfs/data"
echo hidden >"$T/masks/rootfs/secret-dir/inside"
echo hidden >"$T/masks/rootfs/secret-file"
chmod -R a+rwX "$T/masks/rootfs"
run_capture out err rc "${OCI[@]}" run -b "$T/masks" masks
assert_eq masked_paths_applied $'end\nMASKRO\nDATARO\nOTHERRW\nregular empty file' "$out" "stderr: $err"
run_bundle masksdef 'd["process"]["args"] = ["stat", "-c", "%F", "/proc/timer_list", "/proc/sys"]'
assert_eq masked_spec_lists $'character special file\ndirectory' "$out" "stderr: $err"
run_bundle masksro 'd["process"]["args"] = ["sh", "-c", "echo 1 > /proc/sys/fs/lease-break-time || echo RO"]'
assert_contains readonly_spec_lists "$err" "Read-only file system"

# --- devices: the host's node bound in, after checking type and numbers
dev=
for d in /dev/fuse /dev/net/tun /dev/kmsg; do [ -c "$d" ] && dev=$d && break; done
if [ -n "$dev" ]; then
	maj=$((0x$(stat -c %t "$dev"))) min=$((0x$(stat -c %T "$dev")))
	run_bundle devices 'd["linux"]["devices"] = [{"path": "'"$dev"'", "type": "c", "major": '$maj', "minor": '$min', "fileMode": 438}]
d["process"]["args"] = ["stat", "-c", "%F %t:%T", "'"$dev"'"]'
	assert_eq device_bound "character special file $(printf %x:%x $maj $min)" "$out" "stderr: $err"
	run_bundle devbad 'd["linux"]["devices"] = [{"path": "'"$dev"'", "type": "c", "major": '$maj', "minor": '$((min + 1))'}]'
	assert_eq device_mismatch_1 1 "$rc" "out: $out"
	assert_contains device_mismatch_message "$err" "linux.devices[0] $dev: $maj:$((min + 1)) does not match the host's node ($maj:$min)"
	[ ! -e "$ROOT/devbad" ] && pass device_mismatch_no_state || fail device_mismatch_no_state
else
	skip device_bound "no /dev/fuse, /dev/net/tun or /dev/kmsg on this host"
fi
# /dev/ptmx stays moat's link to the container's own devpts (runc's too):
# the host's node would allocate ptys on the host's devpts.
run_bundle devptmx 'd["linux"]["devices"] = [{"path": "/dev/ptmx", "type": "c", "major": 5, "minor": 2}]
d["process"]["args"] = ["readlink", "/dev/ptmx"]'
assert_eq device_ptmx_is_pts_ptmx "pts/ptmx" "$out" "stderr: $err"
run_bundle devnone 'd["linux"]["devices"] = [{"path": "/dev/no-such-node", "type": "c", "major": 1, "minor": 3}]'
assert_contains device_missing_message "$err" "linux.devices[0] /dev/no-such-node: the host's node"

# --- hooks inside the container
mkdir -p "$T/hookout"
chmod 0777 "$T/hookout"
run_bundle hooks 'd["root"]["readonly"] = False
d["hooks"] = {
  "createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > \"$0\"; touch ./made-by-create-hook", "'"$T"'/hookout/create.json"]}],
  "startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /tmp/start.json; grep ^Seccomp: /proc/self/status >> /tmp/start.json"]}]}
d["process"]["args"] = ["sh", "-c", "ls /made-by-create-hook; cat /tmp/start.json"]'
assert_eq hooks_in_container_status 0 "$rc" "stderr: $err"
create_state=$(cat "$T/hookout/create.json" 2>/dev/null)
assert_contains hook_create_container_state "$create_state" '"status":"creating"'
assert_contains hook_create_container_id "$create_state" '"id":"hooks"'
assert_contains hook_create_container_in_rootfs "$out" /made-by-create-hook
assert_contains hook_start_container_state "$out" '"status":"created"'
assert_contains hook_start_container_filtered "$out" $'Seccomp:\t2'
run_bundle hookfail 'd["hooks"] = {"createContainer": [{"path": "/bin/false"}]}'
assert_eq hook_create_container_fails_1 1 "$rc" "out: $out"
assert_contains hook_create_container_fail_message "$err" "createContainer hook /bin/false: exit status 1"
[ ! -e "$ROOT/hookfail" ] && pass hook_create_fail_no_state || fail hook_create_fail_no_state
run_bundle hookstartfail 'd["hooks"] = {"startContainer": [{"path": "/bin/false"}]}
d["process"]["args"] = ["echo", "RAN"]'
assert_not_contains hook_start_container_fail_stops "$out" RAN
assert_contains hook_start_container_fail_message "$err" "startContainer hook /bin/false: exit status 1"

run_bundle hooktimeout 'd["hooks"] = {"startContainer": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}
d["process"]["args"] = ["echo", "RAN"]'
assert_not_contains hook_start_container_timeout_stops "$out" RAN
assert_contains hook_start_container_timeout_message "$err" "startContainer hook /bin/sleep: timed out after 1 s"

# linux.rootfsPropagation, within the container's mount namespace.
run_bundle propshared 'd["linux"]["rootfsPropagation"] = "rshared"
d["process"]["args"] = ["grep", "-E", "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ", "/proc/self/mountinfo"]'
assert_contains rootfs_propagation_shared "$out" "shared:" "stderr: $err"
run_bundle propprivate 'd["linux"]["rootfsPropagation"] = "rprivate"
d["process"]["args"] = ["grep", "-E", "^[0-9]+ [0-9]+ [0-9:]+ [^ ]+ / ", "/proc/self/mountinfo"]'
assert_not_contains rootfs_propagation_private "$out" "shared:" "stderr: $err"
assert_contains rootfs_propagation_private_ran "$out" " / " "stderr: $err"

# Nothing left behind.
run_capture out err rc "${OCI[@]}" list -q
assert_eq no_containers_left "" "$out"

finish
