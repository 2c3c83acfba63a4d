#!/bin/bash
# Run opencontainers/runc's own bats integration tests (tests/integration/*.bats
# of a runc source tree fetched separately; none of it lives in this project)
# against one or more runtimes, file by file, and print a Markdown table of
# the per-file counts.
#
# usage: tests/runc-integration/run.sh [-r RUNTIME]... [-w RUNTIME]... [-t SECONDS] [-o OUTDIR]
#            RUNC_SRC [FILE.bats]...
#
#   -r RUNTIME  binary the tests drive as "runc" (repeatable; default: the
#               moat next to this tree in build-runc/, else build/)
#   -w RUNTIME  the same, through a wrapper that gives the detaching commands
#               (create, run -d, exec -d) a file for stdout and stderr and
#               prints it when the runtime returns, instead of bats's pipe:
#               a runtime whose detached processes keep the caller's stdout
#               open (moat before 65790b2; docs/runc-integration.md) would hang
#               every `run runc run -d ...` of the suite; labelled "NAME+w"
#   -t SECONDS  time limit per file and runtime (default 600); a file cut
#               short counts its unreported tests as "not run"
#   -o OUTDIR   where the TAP output of each file goes (default
#               /var/tmp/moat-runc-it); OUTDIR/<runtime>/<file>.tap
#   FILE.bats   only these files (default: every tests/integration/*.bats)
#
# What it sets up (idempotent; all inside RUNC_SRC, never in this project):
#   - runc's test helpers (contrib/cmd/*, tests/cmd/* where present) built
#     from RUNC_SRC's vendored modules, offline (GOFLAGS=-mod=vendor);
#   - the two images that tests/integration/get-images.sh would download:
#     a busybox rootfs made from Debian's busybox-static and a Debian rootfs
#     made with debootstrap --variant=minbase (from the apt archive).
# Needs root for most tests (as another user their "requires root" tests
# skip), bats, jq, gawk, golang-go, gcc, debootstrap, busybox-static, xz-utils.
# Not part of `make check`: it needs the separately fetched runc source.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
timeout_s=600
outdir=/var/tmp/moat-runc-it
runtimes=()

die() {
	echo "run.sh: $*" >&2
	exit 1
}

wrapped=()
while getopts "r:w:t:o:h" opt; do
	case $opt in
	r) runtimes+=("$(readlink -f "$OPTARG")") ;;
	w) wrapped+=("$(readlink -f "$OPTARG")") ;;
	t) timeout_s=$OPTARG ;;
	o) outdir=$OPTARG ;;
	*)
		sed -n '/^# usage/,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 2
		;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || die "missing RUNC_SRC (a runc source tree; -h for usage)"
src=$(readlink -f "$1")
shift
it="$src/tests/integration"
[ -f "$it/helpers.bash" ] || die "$src: no tests/integration/helpers.bash (not a runc source tree)"

if [ ${#runtimes[@]} -eq 0 ] && [ ${#wrapped[@]} -eq 0 ]; then
	for b in "$top/build-runc/moat" "$top/build/moat"; do
		if [ -x "$b" ]; then
			runtimes=("$b")
			break
		fi
	done
	[ ${#runtimes[@]} -gt 0 ] || die "no moat binary in $top/build-runc or $top/build; build it or pass -r"
fi
for r in "${runtimes[@]}" "${wrapped[@]}"; do
	[ -x "$r" ] || die "$r: not an executable runtime"
done
for tool in bats jq gawk go gcc xz tar script; do
	command -v "$tool" >/dev/null || die "$tool not found (apt-get install bats jq gawk golang-go gcc xz-utils bsdutils)"
done

# --- runc's test helpers -----------------------------------------------------
build_helpers() {
	local d name
	export GOFLAGS=-mod=vendor GOCACHE="${GOCACHE:-/var/tmp/moat-runc-gocache}"
	export GOPATH="${GOPATH:-/var/tmp/moat-runc-gopath}" GOPROXY=off CGO_ENABLED=1
	for d in "$src"/contrib/cmd/*/ "$src"/tests/cmd/*/; do
		[ -d "$d" ] || continue
		name=$(basename "$d")
		ls "$d"/*.go >/dev/null 2>&1 || continue
		[ -x "$d/$name" ] && continue
		echo "run.sh: building runc test helper $name" >&2
		(cd "$src" && go build -tags seccomp -o "$d/$name" "./${d#"$src"/}") ||
			die "cannot build $name from $src's vendored sources"
	done
}

# --- images --------------------------------------------------------------------
# A rootfs like the busybox image the tests expect: /bin/busybox with every
# applet linked beside it, root/daemon/nobody users, /tmp 1777.
make_busybox() {
	local dest=$1 tmp a
	[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"
	file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' ||
		die "/bin/busybox is not static (install busybox-static, not busybox)"
	tmp=$(mktemp -d /var/tmp/moat-runc-bb.XXXXXX)
	chmod 755 "$tmp" # the image's / (mktemp made it 0700)
	mkdir -p "$tmp"/{bin,dev,etc,home,proc,root,sys,tmp,usr/sbin,var/spool/mail,var/www}
	chmod 1777 "$tmp/tmp"
	chmod 700 "$tmp/root"
	cp /bin/busybox "$tmp/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln "$tmp/bin/busybox" "$tmp/bin/$a"
	done
	cat >"$tmp/etc/passwd" <<-'EOF'
		root:x:0:0:root:/root:/bin/sh
		daemon:x:1:1:daemon:/usr/sbin:/bin/false
		bin:x:2:2:bin:/bin:/bin/false
		sys:x:3:3:sys:/dev:/bin/false
		sync:x:4:100:sync:/bin:/bin/sync
		mail:x:8:8:mail:/var/spool/mail:/bin/false
		www-data:x:33:33:www-data:/var/www:/bin/false
		operator:x:37:37:Operator:/var:/bin/false
		nobody:x:65534:65534:nobody:/home:/bin/false
	EOF
	cat >"$tmp/etc/group" <<-'EOF'
		root:x:0:
		daemon:x:1:
		bin:x:2:
		sys:x:3:
		adm:x:4:
		tty:x:5:
		disk:x:6:
		wheel:x:10:root
		mail:x:8:
		www-data:x:33:
		operator:x:37:
		staff:x:50:
		users:x:100:
		nogroup:x:65534:
	EOF
	echo "127.0.0.1 localhost" >"$tmp/etc/hosts"
	tar --numeric-owner -C "$tmp" -cJf "$dest.part" . && mv "$dest.part" "$dest"
	local rc=$?
	rm -rf "$tmp"
	[ $rc -eq 0 ] || die "cannot write $dest"
}

make_debian() {
	local dest=$1 tmp
	command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap); needed for $dest"
	tmp=$(mktemp -d /var/tmp/moat-runc-deb.XXXXXX)
	echo "run.sh: debootstrap --variant=minbase bookworm (a few minutes)" >&2
	if ! debootstrap --variant=minbase bookworm "$tmp/rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
		>"$tmp/debootstrap.log" 2>&1; then
		tail -5 "$tmp/debootstrap.log" >&2
		rm -rf "$tmp"
		die "debootstrap failed; cannot make $dest"
	fi
	tar --numeric-owner -C "$tmp/rootfs" -cJf "$dest.part" . && mv "$dest.part" "$dest"
	local rc=$?
	rm -rf "$tmp"
	[ $rc -eq 0 ] || die "cannot write $dest"
}

setup_images() {
	local arch td="$it/testdata"
	arch=$(go env GOARCH)
	mkdir -p "$td"
	[ -e "$td/busybox-$arch.tar.xz" ] || make_busybox "$td/busybox-$arch.tar.xz"
	if [ ! -e "$td/debian-$arch.tar.xz" ]; then
		if [ -n "${DEBIAN_ROOTFS_DIR:-}" ]; then
			tar --numeric-owner -C "$DEBIAN_ROOTFS_DIR" -cJf "$td/debian-$arch.tar.xz" . ||
				die "cannot pack $DEBIAN_ROOTFS_DIR"
		else
			make_debian "$td/debian-$arch.tar.xz"
		fi
	fi
	# Their own script must now find both images without downloading.
	bash "$it/get-images.sh" >/dev/null </dev/null ||
		die "$it/get-images.sh still wants to download an image (image names changed in this runc version?)"
}

build_helpers
setup_images

# --- wrappers (-w) ---------------------------------------------------------------
# write_wrapper REAL DEST: DEST runs REAL; for create, run -d/--detach and
# exec -d/--detach it collects stdout and stderr in files and copies them out
# once REAL returns, so that processes REAL leaves behind hold no pipe of the
# caller.
write_wrapper() {
	cat >"$2" <<-EOF
		#!/bin/bash
		rt='$1'
	EOF
	cat >>"$2" <<-'EOF'
		args=("$@")
		i=0
		while [ $i -lt $# ]; do # global options
			case ${args[$i]} in
			--root | --log | --log-format | --criu | --rootless) i=$((i + 2)) ;;
			-*) i=$((i + 1)) ;;
			*) break ;;
			esac
		done
		sub=${args[$i]:-}
		detach=0
		[ "$sub" = create ] && detach=1
		if [ "$sub" = run ] || [ "$sub" = exec ]; then
			i=$((i + 1))
			while [ $i -lt $# ]; do
				case ${args[$i]} in
				-d | --detach) detach=1 ;;
				-b | --bundle | --pid-file | --console-socket | --preserve-fds | -p | --process | \
					--cwd | -e | --env | -u | --user | -g | --additional-gids | -c | --cap | \
					--process-label | --apparmor | --cgroup) i=$((i + 1)) ;;
				-*) ;;
				*) break ;;
				esac
				i=$((i + 1))
			done
		fi
		[ $detach -eq 1 ] || exec "$rt" "$@"
		o=$(mktemp "${TMPDIR:-/var/tmp}/moat-runc-wrap.XXXXXX") # run.sh removes TMPDIR
		"$rt" "$@" >"$o.out" 2>"$o.err"
		rc=$?
		cat "$o.out"
		cat "$o.err" >&2
		rm -f "$o" "$o.out" "$o.err"
		exit $rc
	EOF
	chmod 755 "$2"
}

mkdir -p "$outdir/wrappers"
for w in "${wrapped[@]}"; do
	write_wrapper "$w" "$outdir/wrappers/$(basename "$w")+w"
	runtimes+=("$outdir/wrappers/$(basename "$w")+w")
done

# cleanup TMPDIR RUNTIME: delete the containers a file cut short by the
# time limit left behind (detached runtimes outlive bats). A container left
# in a cgroup that cgroups.bats froze cannot die until it is thawed.
cleanup() {
	local s c fz
	for fz in /sys/fs/cgroup/freezer/runc-cgroups-integration-test/*/freezer.state \
		/sys/fs/cgroup/runc-cgroups-integration-test/*/cgroup.freeze; do
		[ -f "$fz" ] || continue
		case $fz in
		*/freezer.state) echo THAWED >"$fz" ;;
		*) echo 0 >"$fz" ;;
		esac
	done 2>/dev/null
	for s in "$1"/bats-run-*/runc.*/state; do
		[ -d "$s" ] || continue
		for c in $(timeout 20 "$2" --root "$s" list -q 2>/dev/null); do
			timeout 20 "$2" --root "$s" delete -f "$c" >/dev/null 2>&1
		done
	done
	# the cgroups their set_cgroups_path names (rmdir: only empty ones go)
	local b
	for b in /sys/fs/cgroup/*/runc-cgroups-integration-test /sys/fs/cgroup/runc-cgroups-integration-test; do
		[ -d "$b" ] && rmdir "$b"/*/*/ "$b"/*/ "$b" 2>/dev/null
	done
}

# --- run -----------------------------------------------------------------------
files=("$@")
if [ ${#files[@]} -eq 0 ]; then
	for f in "$it"/*.bats; do files+=("$(basename "$f")"); done
fi

unset RUNC_USE_SYSTEMD ROOTLESS_FEATURES
declare -A res

label_of() { basename "$1"; }

# count FILE.tap -> "total passed failed skipped notrun"
count() {
	local tap=$1 total pass fail skip seen
	total=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$tap" | head -1)
	pass=$(grep -E '^ok [0-9]+' "$tap" | grep -cv ' # skip')
	skip=$(grep -E '^ok [0-9]+' "$tap" | grep -c ' # skip')
	fail=$(grep -cE '^not ok [0-9]+' "$tap")
	seen=$((pass + skip + fail))
	[ -n "$total" ] || total=$seen
	echo "$total $pass $fail $skip $((total - seen))"
}

for f in "${files[@]}"; do
	f=$(basename "$f")
	[ -f "$it/$f" ] || die "$it/$f: no such test file"
	for r in "${runtimes[@]}"; do
		l=$(label_of "$r")
		mkdir -p "$outdir/$l"
		tap="$outdir/$l/${f%.bats}.tap"
		tmpd=$(mktemp -d /var/tmp/moat-runc-tmp.XXXXXX)
		chmod 755 "$tmpd" # userns.bats: mapped ids must reach the bundle
		start=$(date +%s)
		# Under script(1), as runc's CI does: a foreground `runc run` with
		# process.terminal (their default spec) needs a controlling tty.
		(cd "$it" && TMPDIR="$tmpd" RUNC="$r" timeout -k 10 "$timeout_s" \
			script -qefc "bats --tap $f" /dev/null </dev/null) 2>&1 | tr -d '\r' >"$tap"
		rc=${PIPESTATUS[0]}
		secs=$(($(date +%s) - start))
		cleanup "$tmpd" "$r"
		rm -rf "$tmpd" 2>/dev/null
		note=""
		[ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && note="timeout ${timeout_s}s"
		read -r total pass fail skip notrun < <(count "$tap")
		res["$f|$l"]="$total $pass $fail $skip $notrun $secs $note"
		printf 'run.sh: %-28s %-6s total %3s pass %3s fail %3s skip %3s not-run %3s %4ss %s\n' \
			"$f" "$l" "$total" "$pass" "$fail" "$skip" "$notrun" "$secs" "$note" >&2
	done
done

# --- table ---------------------------------------------------------------------
hdr="| file | tests |"
sep="|---|---:|"
for r in "${runtimes[@]}"; do
	hdr+=" $(label_of "$r") pass / fail / skip |"
	sep+="---|"
done
echo "$hdr"
echo "$sep"
declare -A sum
for f in "${files[@]}"; do
	f=$(basename "$f")
	row="| ${f} |"
	first=1
	for r in "${runtimes[@]}"; do
		l=$(label_of "$r")
		read -r total pass fail skip notrun secs note <<<"${res["$f|$l"]}"
		if [ $first -eq 1 ]; then
			row+=" $total |"
			first=0
			sum[total]=$((${sum[total]:-0} + total))
		fi
		cell="$pass / $fail / $skip"
		[ "$notrun" -gt 0 ] && cell+=" ($notrun not run)"
		[ -n "$note" ] && cell+=" $note"
		row+=" $cell |"
		sum["$l.p"]=$((${sum["$l.p"]:-0} + pass))
		sum["$l.f"]=$((${sum["$l.f"]:-0} + fail))
		sum["$l.s"]=$((${sum["$l.s"]:-0} + skip))
		sum["$l.n"]=$((${sum["$l.n"]:-0} + notrun))
	done
	echo "$row"
done
row="| **all** | ${sum[total]:-0} |"
for r in "${runtimes[@]}"; do
	l=$(label_of "$r")
	cell="${sum["$l.p"]} / ${sum["$l.f"]} / ${sum["$l.s"]}"
	[ "${sum["$l.n"]}" -gt 0 ] && cell+=" (${sum["$l.n"]} not run)"
	row+=" $cell |"
done
echo "$row"
