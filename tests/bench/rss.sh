#!/bin/bash
# Resident memory of the sentry and the gofer while CMD runs under moat:
#   rss.sh MOAT LABEL WORKDIR -- CMD...
# prints one line per process: LABEL, sentry|gofer, the largest VmRSS seen
# (kB), the last VmHWM seen (the kernel's own peak, kB), the most threads,
# and the number of samples (every 50 ms from /proc/PID/status).
# shellcheck disable=SC1010,SC2016 # "moat do" is no loop; $0 is for sh -c
set -euo pipefail
. "$(dirname "$0")/lib.sh"
moat=$1 label=$2 work=$3
shift 3
[ "$1" = -- ] && shift

"$moat" do --rw "$work" -- "$@" >/dev/null &
moat_pid=$!
declare -A rss=() hwm=() threads=() samples=()

while kill -0 "$moat_pid" 2>/dev/null; do
	pids=$(sandbox_pids "$moat_pid")
	for who in sentry gofer; do
		[ -n "$pids" ] || break
		pid=$(echo "$pids" | tr ' ' '\n' | sed -n "s/^$who=//p")
		status=/proc/$pid/status
		r=$(status_field VmRSS "$status")
		h=$(status_field VmHWM "$status")
		t=$(status_field Threads "$status")
		[ -n "$r" ] || continue
		[ "${rss[$who]:-0}" -ge "$r" ] || rss[$who]=$r
		[ "${threads[$who]:-0}" -ge "${t:-0}" ] || threads[$who]=$t
		[ -z "$h" ] || [ "${hwm[$who]:-0}" -ge "$h" ] || hwm[$who]=$h
		samples[$who]=$((${samples[$who]:-0} + 1))
	done
	sleep 0.05
done
wait "$moat_pid" || echo "rss.sh: moat do $* exited $?" >&2
for who in sentry gofer; do
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$who" "${rss[$who]:-0}" \
		"${hwm[$who]:-0}" "${threads[$who]:-0}" "${samples[$who]:-0}"
done
