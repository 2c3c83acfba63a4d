#!/bin/bash
# Where a trapped call's time goes, for one operation of micro.c:
#   profile.sh MOAT MICRO WORKDIR N [OP]      (OP defaults to stat)
# 1. untraced: the call's cost seen by the workload, and per call the CPU
#    time and context switches of the sentry and of the gofer (from
#    /proc/PID/stat and /proc/PID/task/*/status, sampled every 50 ms);
# 2. traced with strace -f: the system calls the sentry and the gofer make
#    per trapped call (per notification received: strace shows the received
#    struct seccomp_notif as "data={nr=...").
# Prints "key value" lines for report.py.
# shellcheck disable=SC1010,SC2016 # "moat do" is no loop; $0 is for sh -c
set -euo pipefail
. "$(dirname "$0")/lib.sh"
moat=$1 micro=$2 work=$3 n=$4 op=${5:-stat}
dir=$work/micro
mkdir -p "$dir"
tck=$(getconf CLK_TCK)

cpu_ticks() { awk '{print $14 + $15}' /proc/"$1"/stat 2>/dev/null; }
switches() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ {s += $2} END {print s + 0}'
}

# 1. untraced; the sandbox lingers 0.3 s after the loop for a last sample
out=$(mktemp)
"$moat" do --rw "$work" -- sh -c '"$0" "$@" && sleep 0.3' "$micro" "$op" "$n" "$dir" >"$out" &
moat_pid=$!
declare -A ticks=() cs=()
while kill -0 "$moat_pid" 2>/dev/null; do
	pids=$(sandbox_pids "$moat_pid")
	for kv in $pids; do
		who=${kv%%=*} pid=${kv#*=}
		# Counters only grow while the threads live: keep the largest.
		t=$(cpu_ticks "$pid") || t=0
		c=$(switches "$pid") || c=0
		[ "${t:-0}" -le "${ticks[$who]:-0}" ] || ticks[$who]=$t
		[ "${c:-0}" -le "${cs[$who]:-0}" ] || cs[$who]=$c
	done
	sleep 0.05
done
wait "$moat_pid"
calls=$((n + n / 10 + 1))
echo "op $op"
echo "calls $calls"
echo "workload_ns_per_call $(awk '{print $2}' "$out")"
rm -f "$out"
for who in sentry gofer; do
	awk -v t="${ticks[$who]:-0}" -v hz="$tck" -v c="$calls" -v w="$who" \
		'BEGIN {printf "%s_cpu_us_per_call %.1f\n", w, t * 1e6 / hz / c}'
	awk -v s="${cs[$who]:-0}" -v c="$calls" -v w="$who" \
		'BEGIN {printf "%s_switches_per_call %.2f\n", w, s / c}'
done

# 2. traced: which system calls, how many per trapped call
tdir=$(mktemp -d)
# At least 2,000 calls, so that strace is attached well before the end.
traced=$((n / 4 > 2000 ? n / 4 : 2000))
"$moat" do --rw "$work" -- "$micro" "$op" "$traced" "$dir" >/dev/null &
moat_pid=$!
pids=""
while [ -z "$pids" ] && kill -0 "$moat_pid" 2>/dev/null; do
	pids=$(sandbox_pids "$moat_pid")
done
for kv in $pids; do
	strace -f -qq -p "${kv#*=}" -o "$tdir/${kv%%=*}" 2>/dev/null &
done
wait "$moat_pid" || true
sleep 0.5
for who in sentry gofer; do
	[ -f "$tdir/$who" ] || continue
	# A call is a line that is not a "<... resumed>" continuation; ioctls are
	# told apart by request.
	awk -v w="$who" -v answers="$(grep -c 'data={nr=' "$tdir/sentry")" '
		$2 ~ /^<\.\.\./ || $2 ~ /^\+\+\+/ || $2 ~ /^---/ {next}
		{
			name = $2; sub(/\(.*/, "", name)
			if (name == "ioctl" && match($0, /SECCOMP_IOCTL_[A-Z_]+/))
				name = "ioctl(" substr($0, RSTART + 14, RLENGTH - 14) ")"
			count[name]++
		}
		END {
			for (k in count)
				if (answers > 0 && count[k] / answers >= 0.05)
					printf "syscalls %s %s %.2f\n", w, k, count[k] / answers
		}' "$tdir/$who" | sort -k4 -rn
done
rm -rf "$tdir"
