#!/bin/bash
# Where a trapped call's time goes, for one operation of micro.c:
#   profile.sh MOAT MICRO WORKDIR N [OP]      (OP defaults to stat)
# 1. untraced: the call's cost seen by the workload, and per call the CPU
#    time and context switches of the sentry and of the gofer (from
#    /proc/PID/stat and /proc/PID/task/*/status, sampled every 50 ms);
# 2. traced with strace -f: the system calls the sentry and the gofer make
#    per trapped call (the number of NOTIF_SEND/ADDFD answers).
# Prints "key value" lines for report.py.
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

# 1. untraced
out=$(mktemp)
"$moat" do --rw "$work" -- "$micro" "$op" "$n" "$dir" >"$out" &
moat_pid=$!
declare -A ticks=() cs=()
while kill -0 "$moat_pid" 2>/dev/null; do
	pids=$(sandbox_pids "$moat_pid")
	for kv in $pids; do
		who=${kv%%=*} pid=${kv#*=}
		t=$(cpu_ticks "$pid") && [ -n "$t" ] && ticks[$who]=$t
		c=$(switches "$pid") && [ "$c" != 0 ] && cs[$who]=$c
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
"$moat" do --rw "$work" -- "$micro" "$op" $((n / 4)) "$dir" >/dev/null &
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
	awk -v w="$who" -v answers="$(cat "$tdir/sentry" | grep -v 'resumed>' |
		grep -c -E 'SECCOMP_IOCTL_NOTIF_(SEND|ADDFD)')" '
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
