#!/bin/bash
# moat's benchmarks (`make bench`): micro (trap round trip, per-operation
# cost), whole commands with hyperfine, sentry and gofer memory; then
# report.py writes docs/performance.md and docs/performance-ratios.png.
#
#   tests/bench/run.sh [--quick] [--out DIR] [--only LIST] [BUILD_DIR]
#
# --quick   fewer repetitions and smaller sizes, no googletest (a smoke run,
#           about 4 minutes; the full run takes about 25); results and
#           report in $MOAT_BENCH_DIR/results-quick/ unless --out says
# --out     where performance.md and the PNG go (full run: docs/)
# --only    comma-separated parts: rtt,micro,startup,build,files,python,rss,profile;
#           the others keep their results from an earlier run of the same mode
# BUILD_DIR the cmake build directory holding moat (default: build)
#
# Every number is a ratio taken in the same run: each round runs every tool
# once (or a few times) in a shuffled order, so that a slow spell of this
# shared machine hits all tools alike; a ratio is the median over rounds of
# (tool / native in that round). Work files live in $MOAT_BENCH_DIR
# (default /var/tmp/moat-bench; not /tmp, which is a fresh tmpfs inside moat).
# Word splitting of the space-separated lists is intended; "moat do" is no loop.
# shellcheck disable=SC2086,SC1010
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
quick=0
out=""
only="rtt,micro,startup,build,files,python,rss,profile"
build=build
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 ;;
	--out) out=$2; shift ;;
	--only) only=$2; shift ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) build=$1 ;;
	esac
	shift
done
case $build in /*) ;; *) build=$root/$build ;; esac
moat=$build/moat
work=${MOAT_BENCH_DIR:-/var/tmp/moat-bench}
res=$work/results
[ $quick = 0 ] || res=$work/results-quick
bin=$work/bin
[ -n "$out" ] || { [ $quick = 1 ] && out=$res || out=$root/docs; }

if [ $quick = 1 ]; then
	reps=3 gen_files=20 scale=10 files_n=1000 io_mib=20 startup_runs=3
	find_root=/usr/include tar_dir=/usr/include/linux gtest_targets="(skipped)"
else
	# find walks /usr/include and /usr/share (5,300 directories), not all of
	# /usr (17,000): proot and strace -f take 30 s a round on /usr.
	reps=5 gen_files=200 scale=1 files_n=10000 io_mib=200 startup_runs=10
	find_root="/usr/include /usr/share" tar_dir=/usr/include gtest_targets="gtest gtest_main"
fi

log() { printf '%s bench: %s\n' "$(date +%T)" "$*" >&2; }
want() { case ",$only," in *,"$1",*) return 0 ;; *) return 1 ;; esac; }
shuffle() { printf '%s\n' "$@" | shuf; }

sh "$here/deps.sh"
[ -x "$moat" ] || { echo "bench: $moat not built (make build)" >&2; exit 1; }
mkdir -p "$work" "$bin" "$res/hf"
# Each part replaces its own results, so that --only re-runs one of them.
rm -f "$res"/*.log "$res"/*.err
start_time=$(date +%s)

# --- programs -------------------------------------------------------------
cc -O2 -Wall -static -o "$bin/micro" "$here/micro.c"
cc -O2 -Wall -pthread -o "$bin/unotify_rtt" "$here/unotify_rtt.c"
cc -O2 -Wall -o "$bin/seqpacket_rtt" "$here/seqpacket_rtt.c"

# --- the machine ----------------------------------------------------------
{
	echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)"
	echo "cpus=$(nproc)"
	echo "hypervisor=$(lscpu | sed -n 's/^Hypervisor vendor: *//p' | head -1)"
	echo "kernel=$(uname -r)"
	echo "os=$(. /etc/os-release && echo "$PRETTY_NAME")"
	echo "memory=$(free -g | awk '/^Mem:/ {print $2 " GiB"}')"
	echo "moat=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD -- . ':!tests/bench' ':!docs' 2>/dev/null || echo ' (with uncommitted changes)')"
	echo "mode=$([ $quick = 1 ] && echo quick || echo full)"
	echo "reps=$reps"
	echo "gen_files=$gen_files"
	echo "files_n=$files_n"
	echo "io_mib=$io_mib"
	echo "find_root=$find_root"
	echo "tar_dir=$tar_dir"
	echo "gtest_targets=$gtest_targets"
	echo "micro_scale=1/$scale"
	echo "tools=bwrap $(bwrap --version | awk '{print $2}'), proot $(dpkg-query -W -f='${Version}' proot), crun $(crun --version | awk 'NR==1 {print $3}'), runc $(runc --version | awk 'NR==1 {print $3}'), strace $(strace -V | awk 'NR==1 {print $4}'), hyperfine $(hyperfine --version | awk '{print $2}'), gcc $(gcc -dumpfullversion)"
	echo "cgroup=$(stat -f -c %T /sys/fs/cgroup)$(mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && echo " + v2 at /sys/fs/cgroup/unified (controllers: $(cat /sys/fs/cgroup/unified/cgroup.controllers))")"
} >"$res/machine.txt"
"$moat" syscalls >"$res/syscalls.txt" # the dispositions, for report.py

# --- how each tool runs a command -------------------------------------------
bwrap_args=(--unshare-all --die-with-parent --ro-bind / / --bind "$work" "$work"
	--dev /dev --proc /proc --tmpfs /tmp)
# wrap TOOL CMD...: the command line (one string, for hyperfine -N) that runs
# CMD under TOOL, in the current directory.
wrap() {
	local tool=$1
	shift
	case $tool in
	native) echo "$*" ;;
	moat) echo "$moat do --rw $work -- $*" ;;
	bwrap) echo "bwrap ${bwrap_args[*]} --chdir $PWD -- $*" ;;
	proot) echo "proot -w $PWD $*" ;;
	strace) echo "strace -f -o /dev/null $*" ;;
	*) echo "unknown tool $tool" >&2; return 1 ;;
	esac
}
# The same, as an argument vector to run directly.
run_under() {
	local tool=$1
	shift
	case $tool in
	native) "$@" ;;
	moat) "$moat" do --rw "$work" -- "$@" ;;
	moat-cpu0) taskset -c 0 "$moat" do --rw "$work" -- "$@" ;;
	bwrap) bwrap "${bwrap_args[@]}" --chdir "$PWD" -- "$@" ;;
	proot) proot -w "$PWD" "$@" ;;
	strace) strace -f -o /dev/null "$@" ;;
	esac
}

# --- micro: the bare trap round trip ------------------------------------------
if want rtt; then
	log "unotify round trip (empty supervisor), SOCK_SEQPACKET round trip"
	rm -f "$res/rtt.tsv"
	placements="same free"
	[ "$(nproc)" -ge 2 ] && placements="same cross task free"
	for r in $(seq "$reps"); do
		for p in $(shuffle $placements); do
			for w in $(shuffle plain epoll sync sync-recv); do
				n=$((200000 / scale))
				[ "$p" != same ] && n=$((10000 / scale))
				"$bin/unotify_rtt" "$p" "$w" "$n" |
					awk -v r="$r" '{print r "\t" $1 "\t" $2 "\t" $3}' >>"$res/rtt.tsv" ||
					log "unotify_rtt $p $w failed"
			done
			# The sentry -> gofer hop of a path call, without the gofer's work.
			[ "$p" = task ] && continue
			n=$((100000 / scale))
			[ "$p" != same ] && n=$((10000 / scale))
			"$bin/seqpacket_rtt" "$p" "$n" |
				awk -v r="$r" '{print r "\t" $1 "\tseqpacket\t" $2}' >>"$res/rtt.tsv" ||
				log "seqpacket_rtt $p failed"
		done
	done
fi

# --- micro: per-operation cost --------------------------------------------------
if want micro; then
	log "per-operation cost"
	rm -f "$res/micro.tsv"
	mdir=$work/micro
	mkdir -p "$mdir"
	# op:iterations (full run)
	micro_ops="getppid:1000000 getppid-filtered:1000000 read1:1000000 stat:10000
stat-rel:10000 open:10000 access:10000 readlink:10000 mkdir:3000 rename:10000
fork:2000 exec:500"
	for r in $(seq "$reps"); do
		for spec in $(shuffle $micro_ops); do
			op=${spec%%:*}
			n=$((${spec#*:} / scale))
			tools="native moat proot strace"
			# A reference: an allow-all seccomp filter, natively only.
			[ "$op" = getppid-filtered ] && tools=native
			# moat with every process on CPU 0: no wake-up crosses CPUs.
			case $op in stat | open) tools="$tools moat-cpu0" ;; esac
			for tool in $(shuffle $tools); do
				m=$n
				# ptrace stops on every system call: 100-300 µs for a getppid.
				case $tool:$op in proot:getppid | proot:read1 | strace:getppid | strace:read1)
					m=$((n / 50)) ;;
				esac
				v=$(cd "$mdir" && run_under "$tool" "$bin/micro" "$op" "$m" "$mdir" | awk '{print $2}') ||
					{ log "micro $op under $tool failed"; continue; }
				printf '%s\t%s\t%s\t%s\n' "$r" "$tool" "$op" "$v" >>"$res/micro.tsv"
			done
		done
		# 200 MB through the fd the sandbox injected: write, then read back.
		for tool in $(shuffle native moat proot strace); do
			for op in write read; do
				v=$(cd "$mdir" && run_under "$tool" "$bin/micro" "$op" "$io_mib" "$mdir" | awk '{print $2}') ||
					{ log "micro $op under $tool failed"; continue; }
				printf '%s\t%s\t%s\t%s\n' "$r" "$tool" "$op" "$v" >>"$res/micro.tsv"
			done
		done
	done
	rm -f "$mdir/big"
fi

# --- whole commands ---------------------------------------------------------------
# bench NAME RUNS WARMUP [hyperfine options...] -- TOOL:CMD...
# One hyperfine call per round, the tools in a shuffled order; CMD is given
# for native and wrapped for the others unless TOOL:CMD carries its own.
bench() {
	local name=$1 runs=$2 warmup=$3 opts=() specs=() r spec tool cmd args
	shift 3
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	specs=("$@")
	log "$name ($reps rounds: ${specs[*]%%:*})"
	rm -f "$res/hf/$name"-*.json
	for r in $(seq "$reps"); do
		args=()
		while read -r spec; do
			tool=${spec%%:*}
			cmd=${spec#*:}
			args+=(-n "$tool" "$cmd")
		done < <(printf '%s\n' "${specs[@]}" | shuf)
		hyperfine -N --style none --runs "$runs" --warmup "$warmup" "${opts[@]}" \
			--export-json "$res/hf/$name-$r.json" "${args[@]}" >/dev/null 2>>"$res/hyperfine.log" ||
			log "$name round $r: hyperfine failed (see $res/hyperfine.log)"
	done
}
# for_tools CMD...: TOOL:CMD specs for native, moat, bwrap, proot and strace.
for_tools() {
	local t
	for t in native moat bwrap proot strace; do echo "$t:$(wrap "$t" "$@")"; done
}

if want startup; then
	bundle=$work/bundle
	if [ ! -f "$bundle/config.json" ]; then
		rm -rf "$bundle"
		mkdir -p "$bundle/rootfs/bin"
		cp /bin/busybox "$bundle/rootfs/bin/busybox"
		ln -s busybox "$bundle/rootfs/bin/true"
		ln -s busybox "$bundle/rootfs/bin/sh"
		(cd "$bundle" && runc spec)
		python3 - "$bundle/config.json" <<-'EOF'
			import json, sys
			c = json.load(open(sys.argv[1]))
			c["process"]["args"] = ["/bin/true"]
			c["process"]["terminal"] = False
			json.dump(c, open(sys.argv[1], "w"), indent=1)
		EOF
	fi
	# crun 1.8 refuses a hybrid cgroup layout whose v2 part has controllers
	# ("cgroups in hybrid mode not supported, drop all controllers from
	# cgroupv2"), even with --cgroup-manager=disabled. Run the startup
	# benchmark in a private mount namespace without that v2 mount, where crun
	# sees plain v1 (as runc does anyway).
	ns=()
	if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null &&
		[ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" ]; then
		ns=(unshare -m --propagation private sh -c 'umount -l /sys/fs/cgroup/unified && exec "$@"' sh)
		echo "crun_note=crun refuses the hybrid cgroup layout (v2 at /sys/fs/cgroup/unified has controllers: $(cat /sys/fs/cgroup/unified/cgroup.controllers)), with and without --cgroup-manager=disabled; the startup rounds run in a private mount namespace with that mount removed, so crun (and every other tool there) sees cgroup v1 only" >>"$res/machine.txt"
	fi
	specs=()
	mapfile -t specs < <(for_tools /bin/true)
	for oci in crun runc; do
		"$oci" delete -f "moatbench-$oci" >/dev/null 2>&1 || true
		if "${ns[@]}" "$oci" run -b "$bundle" "moatbench-$oci" >/dev/null 2>"$res/$oci.err"; then
			specs+=("$oci:$oci run -b $bundle moatbench-$oci")
		else
			echo "${oci}_error=$(tr '\n' ' ' <"$res/$oci.err")" >>"$res/machine.txt"
			log "$oci cannot run the bundle: $(cat "$res/$oci.err")"
		fi
	done
	if "$moat" run --bundle "$bundle" moatbench-moat >/dev/null 2>&1; then
		specs+=("moat-run:$moat run --bundle $bundle moatbench-moat")
	else
		echo "moat_run=not available ($("$moat" run --help 2>&1 | head -1))" >>"$res/machine.txt"
	fi
	# bench's hyperfine calls run inside "${ns[@]}" through this wrapper.
	[ ${#ns[@]} -eq 0 ] || hyperfine() { "${ns[@]}" hyperfine "$@"; }
	bench startup "$startup_runs" 2 -- "${specs[@]}"
	unset -f hyperfine
fi

if want build; then
	gen=$work/gen-project
	sh "$here/gen_project.sh" "$gen" "$gen_files"
	(cd "$gen" && make -s -j2 >/dev/null && make -s clean) # warm the caches
	cd "$gen"
	mapfile -t specs < <(for_tools make -s -j2)
	bench build-gen 1 0 --prepare "make -s -C $gen clean" -- "${specs[@]}"

	# A real tree shipped by Debian: googletest (/usr/src/googletest, C++,
	# CMake's default build type), configured natively first; the timed part
	# is make -j2. Too slow for --quick (25 builds of about 7 s).
	gt=$work/googletest
	if [ $quick = 1 ]; then
		log "build-gtest: skipped in --quick"
	else
		rm -rf "$gt"
		mkdir -p "$gt"
		(cd "$gt" && cmake -S /usr/src/googletest -B . >/dev/null)
	fi
	if [ $quick = 0 ]; then
		cd "$gt"
		# shellcheck disable=SC2086
		make -s -j2 $gtest_targets >/dev/null && make -s clean
		mapfile -t specs < <(for_tools make -s -j2 $gtest_targets)
		bench build-gtest 1 0 --prepare "make -s -C $gt clean" -- "${specs[@]}"
	fi
	cd "$root"
fi

if want files; then
	fdir=$work/files-bench
	mkdir -p "$fdir"
	cd "$fdir"
	# One untimed native run of each first (caches), then the rounds.
	"$bin/micro" files "$files_n" "$fdir" >/dev/null
	find "$find_root" -name '*.h' >/dev/null 2>&1 || true
	tar cf - "$tar_dir" 2>/dev/null | cat >/dev/null
	mapfile -t specs < <(for_tools "$bin/micro" files "$files_n" "$fdir")
	bench files 1 0 -- "${specs[@]}"
	# -i: inside the sandbox root is not host root, so find meets a directory
	# only host root may read (e.g. /usr/share/polkit-1/rules.d) and exits 1.
	mapfile -t specs < <(for_tools find "$find_root" -name "'*.h'")
	bench find 1 0 -i -- "${specs[@]}"
	# Piped through cat: GNU tar skips reading file data when its archive is
	# /dev/null itself, which would make this a metadata walk only.
	mapfile -t specs < <(for_tools sh -c "'tar cf - $tar_dir 2>/dev/null | cat >/dev/null'")
	bench tar 1 0 -- "${specs[@]}"
	cd "$root"
fi

if want python; then
	mapfile -t specs < <(for_tools /usr/bin/python3 -c "'import json, sqlite3, asyncio'")
	bench python 3 1 -- "${specs[@]}"
fi

# --- memory of the sentry and the gofer ---------------------------------------------
if want rss; then
	log "sentry and gofer RSS"
	gen=$work/gen-project
	[ -f "$gen/Makefile" ] || sh "$here/gen_project.sh" "$gen" "$gen_files"
	make -s -C "$gen" clean
	rm -f "$res/rss.tsv"
	bash "$here/rss.sh" "$moat" idle "$work" -- sleep 2 >>"$res/rss.tsv"
	(cd "$gen" && bash "$here/rss.sh" "$moat" build "$work" -- make -s -j2) >>"$res/rss.tsv"
	make -s -C "$gen" clean
fi

# --- where a trapped call's time goes: syscalls of the sentry and the gofer ---------
if want profile; then
	for op in stat open; do
		log "profile: CPU, context switches and syscalls per trapped $op"
		bash "$here/profile.sh" "$moat" "$bin/micro" "$work" $((20000 / scale)) "$op" \
			>"$res/profile-$op.txt" 2>&1 || log "profile failed (see $res/profile-$op.txt)"
	done
fi

echo "elapsed=$(($(date +%s) - start_time)) s" >>"$res/machine.txt"
log "report -> $out"
PYTHONDONTWRITEBYTECODE=1 python3 "$here/report.py" "$res" "$out"
log "done in $(($(date +%s) - start_time)) s"
