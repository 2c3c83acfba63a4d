#!/usr/bin/env bash
# Escape tests: each program in tests/escape/ tries one technique to get out
# of `moat do` and must print CONTAINED (exit 0).
#
# usage: run.sh <build-dir> [NAME...]
#
# The programs are compiled here at run time (cc, -lpthread) into
# <build>/tests/escape, or into the temp dir when that is not writable (as
# for uid 65534). The host side prepares:
#   hidden/marker   a random token, hidden with `--tmpfs hidden`: reading it
#                   from inside is an escape
#   outside/        a host dir not bound writable: nothing may appear in it
#   outside/host.sock and the abstract socket "moat-escape-TOKEN": host
#                   listeners the sandbox must not reach (needs python3)
#   work/NAME       a fresh --rw dir per program
# After each run the marker, outside/ and the checksums of moat and of the
# program binary must be unchanged.
#
# Programs known harmless outside a sandbox are also run natively first, to
# show that their detector fires (informational, not counted).
# Environment: MOAT_TEST_TIMEOUT (default 60), MOAT_TEST_PLATFORM,
# MOAT_TEST_TMPDIR (default /var/tmp).
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH

[ $# -ge 1 ] && [ -d "$1" ] || { echo "usage: $0 <build-dir> [NAME...]" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
src=$(cd "$(dirname "$0")" && pwd)
moat=$build/moat
limit=${MOAT_TEST_TIMEOUT:-60}
plat=()
[ -n "${MOAT_TEST_PLATFORM:-}" ] && plat=(--platform "$MOAT_TEST_PLATFORM")
[ -x "$moat" ] || { echo "run.sh: $moat missing or not executable" >&2; exit 2; }
cc=${CC:-cc}
command -v "$cc" >/dev/null || { echo "run.sh: no C compiler ($cc)" >&2; exit 2; }

native_safe=" chroot_dotdot proc_root_walk symlink_race fd_leak_scan userns_nest io_uring bpf "
native_safe+=" shocker_open_by_handle unix_socket_host abstract_socket_host cve_2019_5736_proc_self_exe "

# Not under /tmp: the sandbox's fresh /tmp would hide outside/ for the
# wrong reason.
troot=$(mktemp -d "${MOAT_TEST_TMPDIR:-/var/tmp}/moat-escape.XXXXXX") || exit 2
chmod 0755 "$troot"
listener=
cleanup() {
	# The listener's socket in the submount keeps it busy until it is gone.
	if [ -n "$listener" ]; then
		kill "$listener" 2>/dev/null
		wait "$listener" 2>/dev/null
	fi
	[ -n "$submount" ] && { umount "$submount" || umount -l "$submount"; }
	chmod -R u+rwx "$troot" 2>/dev/null
	rm -rf "$troot"
}
trap cleanup EXIT

bindir=$build/tests/escape
if ! { mkdir -p "$bindir" 2>/dev/null && [ -w "$bindir" ]; }; then
	bindir=$troot/bin
	mkdir -m 0755 "$bindir"
fi

token=$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')
mkdir -m 0755 "$troot/hidden" "$troot/outside" "$troot/work"
echo "$token" >"$troot/hidden/marker"
chmod 0644 "$troot/hidden/marker"
marker=$troot/hidden/marker

# As root, outside/mnt is a mount of its own: the directory holding the
# checkout (/var) then has a mount below it, which `moat do` must still show
# as an overlay, not as a read-only bind through which sockets connect.
submount=
if [ "$(id -u)" = 0 ] && mkdir -m 0755 "$troot/outside/mnt" &&
	mount -t tmpfs -o mode=0755 moat-escape "$troot/outside/mnt"; then
	submount=$troot/outside/mnt
fi
if command -v python3 >/dev/null; then
	python3 - "$troot/outside/host.sock" "moat-escape-$token" "$submount" <<'PY' &
import os, socket, sys, threading
def serve(s):
    s.listen(8)
    while True:
        c, _ = s.accept()
        try:
            c.sendall(b"host daemon\n")
        except OSError:
            pass
        c.close()
a = socket.socket(socket.AF_UNIX); a.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
b = socket.socket(socket.AF_UNIX); b.bind("\0" + sys.argv[2])
threading.Thread(target=serve, args=(a,), daemon=True).start()
if sys.argv[3]:
    c = socket.socket(socket.AF_UNIX); p = sys.argv[3] + "/host.sock"
    c.bind(p); os.chmod(p, 0o777)
    threading.Thread(target=serve, args=(c,), daemon=True).start()
serve(b)
PY
	listener=$!
	for _ in $(seq 50); do
		[ -S "$troot/outside/host.sock" ] && { [ -z "$submount" ] || [ -S "$submount/host.sock" ]; } &&
			break
		sleep 0.1
	done
fi
outside_before=$(ls -A "$troot/outside")

passed=0 failed=0 skipped=0
failed_names=()
if [ $# -gt 0 ]; then
	names=("$@")
else
	names=()
	for f in "$src"/*.c; do names+=("$(basename "$f" .c)"); done
fi

verdict() { # prints the last verdict line of a log
	grep -E '^(CONTAINED|ESCAPED|WRONG|SKIPPED):' "$1" | tail -n 1
}

for name in "${names[@]}"; do
	if ! "$cc" -O1 -Wall -D_GNU_SOURCE -o "$bindir/$name" "$src/$name.c" -lpthread \
		>"$troot/$name.cc.log" 2>&1; then
		echo "FAIL $name (does not compile)"
		sed 's/^/    /' "$troot/$name.cc.log" | head -n 20
		failed=$((failed + 1)) failed_names+=("$name")
		continue
	fi
	chmod 0755 "$bindir/$name"
	work=$troot/work/$name
	mkdir -m 0755 "$work" "$work.native"
	args=("$marker" "$token" "$troot/outside" "$work")

	if [[ $native_safe == *" $name "* ]]; then
		(cd "$troot" && timeout -k 5 "$limit" "$bindir/$name" "$marker" "$token" \
			"$troot/outside" "$work.native") </dev/null >"$troot/$name.native" 2>&1
		echo "  ($name natively: $(verdict "$troot/$name.native" | cut -d: -f1))"
	fi

	sums_before=$(sha256sum "$moat" "$bindir/$name")
	cmd=("$moat" do "${plat[@]}" --tmpfs "$troot/hidden" --rw "$work" -- "$bindir/$name" "${args[@]}")
	if [ "$name" = tiocsti ] && command -v script >/dev/null; then
		# Give the sandbox a terminal on stdin/stdout to inject into.
		(cd "$troot" && timeout -k 5 "$limit" script -qec "$(printf '%q ' "${cmd[@]}")" /dev/null) \
			</dev/null >"$troot/$name.log" 2>&1
	else
		(cd "$troot" && timeout -k 5 "$limit" "${cmd[@]}") </dev/null >"$troot/$name.log" 2>&1
	fi
	rc=$?
	line=$(verdict "$troot/$name.log")
	problems=()
	[ "$(cat "$marker" 2>/dev/null)" = "$token" ] || problems+=("host marker changed")
	[ "$(ls -A "$troot/outside")" = "$outside_before" ] ||
		problems+=("host dir outside/ changed: $(ls -A "$troot/outside" | tr '\n' ' ')")
	[ "$(sha256sum "$moat" "$bindir/$name")" = "$sums_before" ] || problems+=("a host binary changed")

	if [ ${#problems[@]} -gt 0 ]; then
		echo "FAIL $name (${problems[*]})"
		result=fail
	elif [ $rc -eq 0 ] && [[ $line == CONTAINED:* ]]; then
		echo "PASS $name ($line)"
		result=pass
	elif [ $rc -eq 77 ] && [[ $line == SKIPPED:* ]]; then
		echo "SKIP $name: ${line#SKIPPED: }"
		result=skip
	else
		case $rc in
		124) why="timed out after ${limit}s" ;;
		*) why="exit $rc: ${line:-no verdict}" ;;
		esac
		echo "FAIL $name ($why)"
		result=fail
	fi
	if [ $result = fail ]; then
		sed 's/^/    /' "$troot/$name.log" | head -n 40
		failed=$((failed + 1)) failed_names+=("$name")
	elif [ $result = skip ]; then
		skipped=$((skipped + 1))
	else
		passed=$((passed + 1))
	fi
done

[ $failed -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
