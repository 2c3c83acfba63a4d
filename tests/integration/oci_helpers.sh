# Shared set-up for the OCI tests (tests/integration/oci_*.sh) that run
# containers from a busybox bundle made with `moat spec`. Not a test itself
# (tests/run.sh skips *_helpers.sh). A test file starts with
#   . "$(dirname "$0")/helpers.sh" "$@"
#   . "$(dirname "$0")/oci_helpers.sh"
#   oci_setup
# and sets, before its first make_bundle:
#   OCI_APPLETS=(sh ...)  the busybox applets linked into the rootfs's /bin
#   OCI_BUNDLE_PY='...'   optional: Python statements run on every config.json
#                         before the bundle's own edit (defaults of that test,
#                         helper functions its edits call)
#   OCI_ROOTFS_EXTRA=FN   optional: a shell function called with the rootfs
#                         dir to add files (a probe, owned files)

# oci_setup: SKIPs the whole test unless python3 and a static /bin/busybox
# are there (need_static_busybox); sets BUSYBOX, ROOT (the state root,
# $T/state), OCI (moat --root ROOT with a time limit) and SPEC_ARGS
# (`moat spec --rootless` unless root).
oci_setup() {
	need python3 || { skip "$TEST_FILE" "python3 not installed"; finish; }
	need_static_busybox
	ROOT=$T/state
	OCI=(timeout -k 5 "$MOAT_TIMEOUT" "$MOAT" --root "$ROOT")
	SPEC_ARGS=()
	is_root || SPEC_ARGS=(--rootless)
}
OCI_APPLETS=()
OCI_BUNDLE_PY=
OCI_ROOTFS_EXTRA=

# make_bundle DIR PYTHON-STATEMENTS: a busybox rootfs (OCI_APPLETS, and what
# OCI_ROOTFS_EXTRA adds) and `moat spec`'s config.json with no terminal,
# edited by OCI_BUNDLE_PY and then the statements (the document is `d`).
make_bundle() {
	local dir=$1 edit=$2 x
	mkdir -p "$dir/rootfs/bin" "$dir/rootfs/proc" "$dir/rootfs/dev" "$dir/rootfs/sys" \
		"$dir/rootfs/tmp"
	cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
	for x in "${OCI_APPLETS[@]}"; do
		ln -sf busybox "$dir/rootfs/bin/$x"
	done
	if [ -n "$OCI_ROOTFS_EXTRA" ]; then
		"$OCI_ROOTFS_EXTRA" "$dir/rootfs" || return 1
	fi
	(cd "$dir" && "$MOAT" spec "${SPEC_ARGS[@]}") || return 1
	python3 - "$dir/config.json" "$edit" "$OCI_BUNDLE_PY" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["process"]["terminal"] = False
exec(sys.argv[3])
exec(sys.argv[2])
json.dump(d, open(sys.argv[1], "w"), indent=2)
EOF
}

# run_bundle NAME EDIT: make the bundle $T/NAME and `moat run` it as NAME;
# out, err and rc are set.
run_bundle() {
	make_bundle "$T/$1" "$2" || fail "$1_bundle"
	run_capture out err rc "${OCI[@]}" run -b "$T/$1" "$1"
}

# state_field ID FIELD: one field of `moat state ID` ("" when it fails).
state_field() {
	"${OCI[@]}" state "$1" 2>/dev/null |
		python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2" 2>/dev/null
}

# monitor_pid ID: the container's monitor (state.json's monitorPid).
monitor_pid() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["monitorPid"])' \
		"$ROOT/$1/state.json" 2>/dev/null
}

# wait_status ID STATUS: up to 10 s for the container to reach STATUS.
wait_status() {
	local i
	for i in $(seq 100); do
		[ "$(state_field "$1" status)" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# alive PID: PID exists and is neither a zombie nor dead.
alive() { kill -0 "$1" 2>/dev/null && ! grep -q '^[^)]*) [ZX]' "/proc/$1/stat" 2>/dev/null; }

# assert_refused NAME EDIT MESSAGE: the bundle NAME (made with EDIT) is
# refused by `moat run`: status 1, MESSAGE in stderr, no state left.
assert_refused() {
	run_bundle "$1" "$2"
	assert_eq "$1_status_1" 1 "$rc" "out: $out"
	assert_contains "$1_message" "$err" "$3"
	[ ! -e "$ROOT/$1" ] && pass "$1_no_state" || fail "$1_no_state"
}

# console_listen SOCKET OUT: in the background (its pid in `recv`), an
# engine's side of --console-socket: takes the pty master sent over SOCKET
# (SCM_RIGHTS) and copies what it reads to OUT until "done" or 20 s.
# Returns once SOCKET exists (up to 5 s).
console_listen() {
	local i
	python3 - "$1" >"$2" 2>&1 <<'PY' &
import array, os, select, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1])
s.listen(1)
c, _ = s.accept()
msg, anc, _, _ = c.recvmsg(1024, socket.CMSG_LEN(4))
fds = array.array("i")
for level, kind, data in anc:
    fds.frombytes(data[:4])
out, end = b"", time.time() + 20
while time.time() < end and b"done" not in out:
    if select.select([fds[0]], [], [], 0.5)[0]:
        try:
            chunk = os.read(fds[0], 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
sys.stdout.write(out.decode(errors="replace"))
PY
	recv=$!
	for i in $(seq 50); do [ -S "$1" ] && break; sleep 0.1; done
}
