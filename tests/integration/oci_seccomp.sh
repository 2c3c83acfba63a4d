#!/usr/bin/env bash
# config.json's linux.seccomp under `moat run`: the container's profile is
# enforced in addition to moat's own filter (the stricter action wins), with
# and without noNewPrivileges; SCMP_ACT_NOTIFY and listenerPath are refused.
# As root with `moat spec`, unprivileged with `moat spec --rootless`.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/oci_helpers.sh"

oci_setup

# busybox calls getppid but never getpid: a static probe that does.
GETPID=
if need cc; then
	printf '#include <stdio.h>\n#include <unistd.h>\nint main(void){printf("pid %%d\\n", (int)getpid());return 0;}\n' >"$T/getpid.c"
	cc -static -O -o "$T/getpid" "$T/getpid.c" 2>"$T/getpid.log" && GETPID=$T/getpid
fi

# Bundles: busybox and the probe, a tmpfs on /tmp; profile(...) sets
# linux.seccomp.
OCI_APPLETS=(sh echo cat ls grep mkdir rmdir touch mount stat true sleep)
add_getpid() { [ -z "$GETPID" ] || cp "$GETPID" "$1/bin/getpid"; }
OCI_ROOTFS_EXTRA=add_getpid
OCI_BUNDLE_PY='d["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs",
                    "options": ["nosuid", "nodev", "mode=1777"]})
def profile(default="SCMP_ACT_ALLOW", rules=(), **extra):
    d["linux"]["seccomp"] = dict(defaultAction=default, architectures=["SCMP_ARCH_X86_64"],
                                 syscalls=list(rules), **extra)'

mkdir_script='mkdir /tmp/a && echo MKDIR-OK; touch /tmp/f && echo TOUCH-OK; grep ^Seccomp_filters: /proc/self/status'

# A profile's ERRNO beats moat's USER_NOTIF for mkdir; the rest still works.
for nnp in True False; do
	run_bundle "mkdir$nnp" 'profile(rules=[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}])
d["process"]["noNewPrivileges"] = '$nnp'
d["process"]["args"] = ["sh", "-c", "'"$mkdir_script"'"]'
	assert_contains "profile_mkdir_eperm_nnp_$nnp" "$err" "Operation not permitted" "out: $out"
	assert_not_contains "profile_mkdir_blocked_nnp_$nnp" "$out" MKDIR-OK
	assert_contains "profile_touch_allowed_nnp_$nnp" "$out" TOUCH-OK "stderr: $err"
	# moat's filter and the profile, stacked.
	assert_contains "profile_stacked_nnp_$nnp" "$out" $'Seccomp_filters:\t2'
done

# errnoRet, and argument conditions (busybox's mkdir passes mode 0777).
argrule() { # VALUE: mkdir(_, mode == VALUE) fails with ENOSPC
	echo 'profile(rules=[{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 28, "args": [{"index": 1, "value": '$1', "op": "SCMP_CMP_EQ"}]}])
d["process"]["args"] = ["sh", "-c", "mkdir /tmp/d && echo MKDIR-OK"]'
}
run_bundle argmatch "$(argrule 511)"
assert_contains profile_args_match_errno_ret "$err" "No space left on device" "out: $out"
run_bundle argother "$(argrule 448)"
assert_contains profile_args_other_allowed "$out" MKDIR-OK "stderr: $err"

# KILL on getpid: the process dies of SIGSYS (128+31).
if [ -n "$GETPID" ]; then
	run_bundle killpid 'profile(rules=[{"names": ["getpid"], "action": "SCMP_ACT_KILL_PROCESS"}])
d["process"]["args"] = ["getpid"]'
	assert_eq profile_kill_getpid_159 159 "$rc" "out: $out" "stderr: $err"
	assert_not_contains profile_kill_getpid_no_output "$out" pid
	run_bundle nokill 'profile(rules=[{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}])
d["process"]["args"] = ["getpid"]'
	assert_eq profile_other_rule_runs "pid 1" "$(printf '%s' "$out" | sed 's/pid [0-9]*/pid 1/')" \
		"rc: $rc" "stderr: $err"
else
	skip profile_kill_getpid "no C compiler for the getpid probe: $(head -c 200 "$T/getpid.log")"
fi

# A permissive profile does not open moat's filter: mount stays denied, the
# root is the bundle's, and paths still go through the gofer.
mkdir -p "$T/host-only"
run_bundle permissive 'profile(default="SCMP_ACT_ALLOW")
d["process"]["noNewPrivileges"] = False
d["process"]["args"] = ["sh", "-c", "mount -t tmpfs none /tmp && echo MOUNTED; ls '"$T"' || echo HOST-INVISIBLE; grep ^Seccomp_filters: /proc/self/status"]'
assert_not_contains permissive_mount_denied "$out" MOUNTED
assert_contains permissive_host_invisible "$out" HOST-INVISIBLE "stderr: $err"
assert_contains permissive_stacked "$out" $'Seccomp_filters:\t2'

# defaultAction ERRNO with an allow list.
allowed='"execve brk arch_prctl set_tid_address set_robust_list rseq getuid geteuid getgid getegid getppid getpid write writev exit exit_group rt_sigaction rt_sigprocmask rt_sigreturn ioctl uname prlimit64 mmap munmap mprotect fstat newfstatat read close openat getcwd stat lstat readlink getrandom clock_gettime fcntl dup2 wait4 clone fork vfork chdir access faccessat prctl".split()'
run_bundle allowlist 'profile(default="SCMP_ACT_ERRNO", defaultErrnoRet=1, rules=[{"names": '"$allowed"', "action": "SCMP_ACT_ALLOW"}])
d["process"]["args"] = ["sh", "-c", "echo ALIVE; mkdir /tmp/x && echo MKDIR-OK"]'
assert_contains allowlist_runs "$out" ALIVE "rc: $rc" "stderr: $err"
assert_not_contains allowlist_denies_rest "$out" MKDIR-OK

# An exec'd process gets the container's profile too.
make_bundle "$T/execprof" 'profile(rules=[{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}])
d["process"]["args"] = ["sleep", "1000"]' || fail execprof_bundle
run_capture out err rc "${OCI[@]}" run -d -b "$T/execprof" execprof
assert_eq exec_profile_container_started 0 "$rc" "stderr: $err"
run_capture out err rc "${OCI[@]}" exec execprof sh -c "mkdir /tmp/e && echo MKDIR-OK; touch /tmp/f && echo TOUCH-OK"
assert_not_contains exec_profile_mkdir_blocked "$out" MKDIR-OK
assert_contains exec_profile_touch_allowed "$out" TOUCH-OK "stderr: $err"
assert_contains exec_profile_eperm "$err" "Operation not permitted"
"${OCI[@]}" delete --force execprof >/dev/null 2>&1

# Refused: a notifier of the container's own (moat's sentry holds the one
# listener a filter chain may have).
assert_refused notify_rule 'profile(rules=[{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}])' \
	"linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY is not supported"
assert_refused notify_default 'profile(default="SCMP_ACT_NOTIFY")' \
	"linux.seccomp.defaultAction: SCMP_ACT_NOTIFY is not supported"
assert_refused listener 'profile(listenerPath="/run/agent.sock")' \
	"linux.seccomp.listenerPath: not supported"

run_capture out err rc "${OCI[@]}" list -q
assert_eq no_containers_left "" "$out"

finish
