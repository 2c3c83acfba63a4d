#!/usr/bin/env bash
# containerd driving moat as it drives runc: its runc v2 shim
# (containerd-shim-runc-v2) with BinaryName = <build>/moat, through
# `ctr run --runc-binary <build>/moat --runc-root DIR`. The shim calls
# `moat --root DIR/NS --log F --log-format json create --bundle B --pid-file P
# [--console-socket S] ID`, then start, kill, delete [--force].
#
# The test starts its own containerd (own root, state, sockets, opt dir;
# the CRI plugin disabled) and stops it at the end. The image is an OCI
# archive made here from a busybox rootfs and imported with `ctr image
# import`; the native snapshotter keeps containerd itself from mounting
# anything but the shim's rootfs bind. containerd 1.6 still puts the shims'
# sockets under /run/containerd/s and ctr its FIFOs under --fifo-dir (here
# the test's); the test checks that it leaves nothing new in /run/containerd.
#
# Rootless containerd needs rootlesskit (containerd-rootless.sh): not set up
# here, so as an unprivileged user the suite SKIPs.
. "$(dirname "$0")/helpers.sh" "$@"
. "$(dirname "$0")/engine_helpers.sh"

need containerd ctr containerd-shim-runc-v2 python3 script || {
	skip containerd "containerd, ctr, containerd-shim-runc-v2, python3 or script not installed (scripts/deps.sh)"
	finish
}
is_root || {
	skip containerd "containerd runs as root here; rootless containerd needs rootlesskit, not set up"
	finish
}
need_static_busybox

CT=$T/containerd
SOCK=$CT/containerd.sock
NS=moat-test
IMG=localhost/moat-test-busybox:latest
mkdir -p "$CT/fifo" "$CT/moat-state"
CTR_CMD=(ctr -a "$SOCK" -n "$NS")
CTR=(timeout -k 5 "$MOAT_TIMEOUT" "${CTR_CMD[@]}")
RUN=(run --snapshotter native --runc-binary "$MOAT" --runc-root "$CT/moat-state" --fifo-dir "$CT/fifo")
run_before=$(find /run/containerd 2>/dev/null | sort)

cat >"$CT/config.toml" <<EOF
version = 2
root = "$CT/root"
state = "$CT/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$CT/opt"
EOF

containerd_pid=
containerd_cleanup() {
	local c
	if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
		for c in $("${CTR[@]}" task ls -q 2>/dev/null); do
			"${CTR[@]}" task kill -s KILL "$c" >/dev/null 2>&1
			"${CTR[@]}" task rm -f "$c" >/dev/null 2>&1
		done
		for c in $("${CTR[@]}" containers ls -q 2>/dev/null); do
			"${CTR[@]}" containers rm "$c" >/dev/null 2>&1
		done
		"${CTR[@]}" images rm "$IMG" >/dev/null 2>&1
		stop_daemon "$containerd_pid" 100
	fi
	containerd_pid=
	# /run/containerd and its subdirectories, if this test made them
	[ -z "$run_before" ] && [ -d /run/containerd ] &&
		find /run/containerd -depth -type d -empty -delete 2>/dev/null
	chmod -R u+rwx "$CT" 2>/dev/null
	rm -rf "$CT"
}
trap 'containerd_cleanup; _cleanup' EXIT

containerd --config "$CT/config.toml" >"$T/containerd.log" 2>&1 &
containerd_pid=$!
daemon_up containerd_start "$containerd_pid" "$T/containerd.log" 100 "${CTR[@]}" version

# An OCI image archive of the busybox rootfs (one uncompressed layer).
busybox_image "$CT/image"
mkdir -p "$CT/image/home/u" && chown 1000:1000 "$CT/image/home/u"
python3 - "$CT/image" "$CT/image.tar" "$IMG" <<'EOF'
import hashlib, io, json, sys, tarfile
rootfs, out, ref = sys.argv[1:4]
def add(tf, name, data):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))
def blob(tf, data, media_type):
    digest = hashlib.sha256(data).hexdigest()
    add(tf, "blobs/sha256/" + digest, data)
    return {"mediaType": media_type, "digest": "sha256:" + digest, "size": len(data)}
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w") as layer_tar:
    layer_tar.add(rootfs, arcname=".")
layer = buf.getvalue()
config = {"architecture": "amd64", "os": "linux",
          "config": {"Env": ["PATH=/bin"], "Cmd": ["sh"]},
          "rootfs": {"type": "layers",
                     "diff_ids": ["sha256:" + hashlib.sha256(layer).hexdigest()]}}
with tarfile.open(out, "w") as tf:
    manifest = {"schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": blob(tf, json.dumps(config).encode(),
                               "application/vnd.oci.image.config.v1+json"),
                "layers": [blob(tf, layer, "application/vnd.oci.image.layer.v1.tar")]}
    desc = blob(tf, json.dumps(manifest).encode(),
                "application/vnd.oci.image.manifest.v1+json")
    desc["annotations"] = {"org.opencontainers.image.ref.name": ref}
    add(tf, "oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    add(tf, "index.json", json.dumps({"schemaVersion": 2, "manifests": [desc]}).encode())
EOF
run_capture out err rc "${CTR[@]}" images import --snapshotter native "$CT/image.tar"
assert_eq image_import 0 "$rc" "stdout: $out" "stderr: $err"

# --- run: output, exit status, trapped by moat
run_capture out err rc "${CTR[@]}" "${RUN[@]}" --rm "$IMG" c1 \
	sh -c 'echo hi; grep ^Seccomp: /proc/self/status; exit 3'
assert_eq run_output $'hi\nSeccomp:\t2' "$out" "stderr: $err"
assert_eq run_exit_code_3 3 "$rc"
# The process is pid 1 (as with runc): the kernel drops a signal it sends
# itself, even KILL. (A KILL from outside gives 137: kill_exit_137.)
run_capture out err rc "${CTR[@]}" "${RUN[@]}" --rm "$IMG" c2 sh -c 'kill -9 $$; echo survived'
assert_eq run_pid1_survives_own_kill "survived 0" "$out $rc" "stderr: $err"
run_capture out err rc "${CTR[@]}" "${RUN[@]}" --rm "$IMG" c3 sh -c 'echo to-out; echo to-err >&2'
assert_eq stdout_only_stdout "to-out" "$out"
assert_contains stderr_has_stderr "$err" "to-err"
assert_not_contains stderr_not_stdout "$err" "to-out"

# -t: the shim's console socket; script(1) gives ctr a 30x100 tty. ctr
# resizes the pty once the task runs (with runc too): the size is polled for.
out=$(timeout -k 5 "$MOAT_TIMEOUT" script -qec \
	"stty rows 30 cols 100; $(tty_timeout "${CTR_CMD[@]}" "${RUN[@]}") --rm -t $IMG c4 sh -c 'tty; for i in \$(seq 50); do s=\$(stty size 2>/dev/null); [ -n \"\$s\" ] && [ \"\$s\" != \"0 0\" ] && break; sleep 0.1; done; echo size=\$s; exit 4'" \
	/dev/null </dev/null 2>&1)
rc=$?
assert_contains tty_is_pts "$out" "/dev/pts/0"
assert_contains tty_size "$out" "size=30 100"
assert_eq tty_exit_code 4 "$rc" "$out"

# --- detached task: ls, kill (SIGTERM handled), exit status, delete
run_capture out err rc "${CTR[@]}" "${RUN[@]}" -d "$IMG" d1 \
	sh -c 'trap "exit 9" TERM; while :; do sleep 0.1; done'
assert_eq detached_run 0 "$rc" "stderr: $err"
task_status() { "${CTR[@]}" task ls 2>/dev/null | awk -v t="$1" '$1 == t {print $3}'; }
assert_eq task_running RUNNING "$(task_status d1)"
pid=$("${CTR[@]}" task ls 2>/dev/null | awk '$1 == "d1" {print $2}')
# The shim's pid is moat's monitor (it reaps that one); the container's
# pid 1, as `moat state` gives it, is the monitor's child.
init=$("$MOAT" --root "$CT/moat-state/$NS" state d1 2>/dev/null |
	python3 -c 'import json, sys; print(json.load(sys.stdin)["pid"])' 2>/dev/null)
assert_eq task_pid_is_monitor "${pid:-none}" "$(awk '/^PPid:/ {print $2}' "/proc/${init:-0}/status" 2>/dev/null)"
run_capture out err rc "${CTR[@]}" task kill d1
assert_eq task_kill_term 0 "$rc" "stderr: $err"
for _ in $(seq 100); do
	[ "$(task_status d1)" = STOPPED ] && break
	sleep 0.1
done
assert_eq task_stopped STOPPED "$(task_status d1)"
run_capture out err rc "${CTR[@]}" task rm d1
assert_contains task_exit_status_9 "$err" "exit code 9"
run_capture out err rc "${CTR[@]}" containers rm d1
assert_eq container_rm 0 "$rc" "stderr: $err"
[ -z "$(ls -A "$CT/moat-state/$NS" 2>/dev/null)" ] && pass moat_state_removed ||
	fail moat_state_removed "$(ls "$CT/moat-state/$NS")"

run_capture out err rc "${CTR[@]}" "${RUN[@]}" -d "$IMG" d2 sleep 1000
run_capture out err rc "${CTR[@]}" task kill -s KILL d2
for _ in $(seq 100); do
	[ "$(task_status d2)" = STOPPED ] && break
	sleep 0.1
done
run_capture out err rc "${CTR[@]}" task rm d2
assert_contains task_killed_137 "$err" "exit code 137"
"${CTR[@]}" containers rm d2 >/dev/null 2>&1

# --- exec: needs `moat exec` (branch exec)
exec_help=$("$MOAT" exec --help 2>&1)
if [[ $exec_help == *"unknown command"* ]]; then
	skip task_exec "moat exec not merged yet ($MOAT exec: ${exec_help%%$'\n'*})"
else
	"${CTR[@]}" "${RUN[@]}" -d "$IMG" e1 sleep 1000 >/dev/null 2>&1
	run_capture out err rc "${CTR[@]}" task exec --fifo-dir "$CT/fifo" --exec-id x1 e1 \
		sh -c 'echo in-exec; grep ^Seccomp: /proc/self/status; exit 3'
	assert_eq task_exec_output $'in-exec\nSeccomp:\t2' "$out" "stderr: $err"
	assert_eq task_exec_status 3 "$rc"
	"${CTR[@]}" task kill -s KILL e1 >/dev/null 2>&1
	sleep 0.5
	"${CTR[@]}" task rm -f e1 >/dev/null 2>&1
	"${CTR[@]}" containers rm e1 >/dev/null 2>&1
fi

# --- the overlayfs snapshotter (containerd's default): the shim mounts an
# overlay, which cannot be idmapped; moat mounts one of the idmapped layers.
SNAPSHOTS=$CT/root/io.containerd.snapshotter.v1.overlayfs/snapshots
run_capture out err rc "${CTR[@]}" images import --snapshotter overlayfs "$CT/image.tar"
assert_eq overlay_import 0 "$rc" "stderr: $err"
run_capture out err rc "${CTR[@]}" "${RUN[@]/#native/overlayfs}" "$IMG" o1 \
	sh -c 'stat -c "%n %u:%g" /bin/busybox /home/u; touch /new-by-root'
assert_eq overlay_image_owners $'/bin/busybox 0:0\n/home/u 1000:1000' "$out" "stderr: $err"
assert_not_contains overlay_no_warning "$err" "cannot be idmapped"
assert_eq overlay_write_owner "0:0" \
	"$(stat -c %u:%g "$SNAPSHOTS"/*/fs/new-by-root 2>&1)"
"${CTR[@]}" task rm -f o1 >/dev/null 2>&1
"${CTR[@]}" containers rm o1 >/dev/null 2>&1

# --- nothing left: tasks, shims, daemon, mounts, state
run_capture out err rc "${CTR[@]}" task ls -q
assert_eq no_tasks_left "" "$out"
shims=$(pgrep -f "containerd-shim-runc-v2 -namespace $NS .*-address $SOCK" | tr '\n' ' ')
containerd_cleanup
sleep 0.2
left=""
for p in $shims; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
assert_eq no_shims_left "" "$left"
assert_eq no_processes_left "" "$(pgrep -a -f "$T" | grep -v pgrep)"
assert_eq no_mounts_left "" "$(findmnt -rn -o TARGET | grep -F "$T")"
assert_eq no_run_containerd_left "$run_before" "$(find /run/containerd 2>/dev/null | sort)"
finish
