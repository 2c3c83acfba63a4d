#!/usr/bin/env bash
# `moat spec` and `moat features`: the config.json a bundle starts from (as
# `runc spec` writes it), runc's refusal to overwrite one, the rootless
# variant, and the features document.
. "$(dirname "$0")/helpers.sh" "$@"

need python3 || { skip oci_spec "python3 not installed"; finish; }

# json_check NAME FILE PYTHON-EXPR: passes when the expression, with the
# parsed document as `d`, is true.
json_check() {
	local name=$1 file=$2 expr=$3 out
	if out=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)' "$file" "$expr" 2>&1); then
		pass "$name"
	else
		fail "$name" "expression: $expr" "$out" "$(head -c 3000 "$file")"
	fi
}

# --- moat spec -----------------------------------------------------------------
mkdir -p "$T/b1"
run_capture out err rc bash -c 'cd "$1" && "$2" spec' _ "$T/b1" "$MOAT"
assert_eq spec_status_0 0 "$rc" "stderr: $err"
assert_eq spec_quiet "" "$out$err"
[ -f "$T/b1/config.json" ] && pass spec_creates_config || fail spec_creates_config
if python3 -m json.tool "$T/b1/config.json" >/dev/null 2>"$T/jt.err"; then
	pass spec_valid_json
else
	fail spec_valid_json "$(cat "$T/jt.err")"
fi
json_check spec_runc_defaults "$T/b1/config.json" \
	'd["ociVersion"].startswith("1.") and d["process"]["args"] == ["sh"] and d["process"]["terminal"] and d["root"] == {"path": "rootfs", "readonly": True}'
json_check spec_default_caps "$T/b1/config.json" \
	'd["process"]["capabilities"]["bounding"] == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]'
json_check spec_nofile_1024 "$T/b1/config.json" \
	'd["process"]["rlimits"] == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]'
json_check spec_default_mounts "$T/b1/config.json" \
	'[m["destination"] for m in d["mounts"]] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]'
json_check spec_namespaces "$T/b1/config.json" \
	'[n["type"] for n in d["linux"]["namespaces"]] == ["pid", "network", "ipc", "uts", "mount", "cgroup"]'
json_check spec_masked_readonly "$T/b1/config.json" \
	'"/proc/kcore" in d["linux"]["maskedPaths"] and "/proc/sys" in d["linux"]["readonlyPaths"]'

# A second run refuses, with runc's message, and leaves the file alone.
sum=$(cksum <"$T/b1/config.json")
run_capture out err rc bash -c 'cd "$1" && "$2" spec' _ "$T/b1" "$MOAT"
assert_eq spec_exists_status_1 1 "$rc" "stderr: $err"
assert_contains spec_exists_message "$err" "File config.json exists. Remove it first"
assert_eq spec_exists_untouched "$sum" "$(cksum <"$T/b1/config.json")"
# Even a dangling symlink named config.json is not followed.
mkdir -p "$T/b2"
ln -s "$T/b2/elsewhere.json" "$T/b2/config.json"
assert_status spec_symlink_refused 1 "$MOAT" spec --bundle "$T/b2"
[ ! -e "$T/b2/elsewhere.json" ] && pass spec_symlink_not_followed ||
	fail spec_symlink_not_followed "$T/b2/elsewhere.json was created"

# --bundle, in both spellings.
mkdir -p "$T/b3" "$T/b4"
assert_status spec_bundle 0 "$MOAT" spec --bundle "$T/b3"
[ -f "$T/b3/config.json" ] && pass spec_bundle_creates || fail spec_bundle_creates
assert_status spec_bundle_short 0 "$MOAT" spec -b "$T/b4"
assert_status spec_bundle_missing 1 "$MOAT" spec --bundle "$T/no-such-dir"
assert_status spec_bad_option 1 "$MOAT" spec --bogus

# --- moat spec --rootless --------------------------------------------------------
mkdir -p "$T/r1"
assert_status spec_rootless 0 "$MOAT" spec --rootless --bundle "$T/r1"
json_check rootless_user_ns "$T/r1/config.json" \
	'"user" in [n["type"] for n in d["linux"]["namespaces"]]'
json_check rootless_no_network_ns "$T/r1/config.json" \
	'"network" not in [n["type"] for n in d["linux"]["namespaces"]]'
json_check rootless_uid_map "$T/r1/config.json" \
	"d['linux']['uidMappings'] == [{'containerID': 0, 'hostID': $(id -u), 'size': 1}]"
json_check rootless_gid_map "$T/r1/config.json" \
	"d['linux']['gidMappings'] == [{'containerID': 0, 'hostID': $(id -g), 'size': 1}]"
json_check rootless_sys_rbind "$T/r1/config.json" \
	'[m for m in d["mounts"] if m["destination"] == "/sys"][0]["options"][0] == "rbind"'
json_check rootless_no_cgroup_mount "$T/r1/config.json" \
	'"/sys/fs/cgroup" not in [m["destination"] for m in d["mounts"]]'
json_check rootless_no_gid_option "$T/r1/config.json" \
	'not any(o.startswith(("uid=", "gid=")) for m in d["mounts"] for o in m.get("options", []))'
json_check rootless_no_resources "$T/r1/config.json" '"resources" not in d["linux"]'

# --- moat features -------------------------------------------------------------
run_capture out err rc "$MOAT" features
assert_eq features_status_0 0 "$rc" "stderr: $err"
printf '%s\n' "$out" >"$T/features.json"
if printf '%s\n' "$out" | python3 -m json.tool >/dev/null 2>"$T/jt.err"; then
	pass features_json_tool
else
	fail features_json_tool "$(cat "$T/jt.err")"
fi
json_check features_namespaces "$T/features.json" \
	'set(d["linux"]["namespaces"]) >= {"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}'
json_check features_versions "$T/features.json" \
	'd["ociVersionMin"] == "1.0.0" and d["ociVersionMax"].startswith("1.")'
json_check features_lists "$T/features.json" \
	'"CAP_SYS_ADMIN" in d["linux"]["capabilities"] and "rbind" in d["mountOptions"] and "poststop" in d["hooks"]'
json_check features_seccomp "$T/features.json" \
	'd["linux"]["seccomp"]["enabled"] and "SCMP_ACT_ERRNO" in d["linux"]["seccomp"]["actions"]'
assert_status features_no_args 1 "$MOAT" features extra

# version, in runc's shape (docker and containerd show the lines they know)
for v in version --version -v; do
	run_capture out err rc "$MOAT" $v
	[[ $out =~ ^moat\ version\ [0-9]+\.[0-9]+\.[0-9]+$'\n'spec:\ 1\.2\.0$ ]] &&
		pass "version_${v#--}" || fail "version_${v#--}" "status $rc, out: $out, stderr: $err"
done
finish
