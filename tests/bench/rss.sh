#!/bin/bash
# Resident memory of the sentry and the gofer while CMD runs under moat:
#   rss.sh MOAT LABEL WORKDIR -- CMD...
# prints, per process, "LABEL <tab> sentry|gofer <tab> max VmRSS kB <tab>
# last VmHWM kB <tab> max threads <tab> samples". They are the monitor's
# children (the monitor is moat's child): the sentry is the one in a mount
# namespace of its own, pid 1 of the sandbox has two NSpid entries, the
# gofer is the other. Sampled every 50 ms from /proc/PID/status.
set -euo pipefail
moat=$1 label=$2 work=$3
shift 3
[ "$1" = -- ] && shift

"$moat" do --rw "$work" -- "$@" >/dev/null &
moat_pid=$!
declare -A rss=() hwm=() threads=() samples=()

field() { awk -v k="$1:" '$1 == k {print $2}' "$2" 2>/dev/null || true; }

while kill -0 "$moat_pid" 2>/dev/null; do
	for monitor in $(cat /proc/"$moat_pid"/task/*/children 2>/dev/null); do
		monitor_ns=$(readlink /proc/"$monitor"/ns/mnt 2>/dev/null) || continue
		for child in $(cat /proc/"$monitor"/task/*/children 2>/dev/null); do
			status=/proc/$child/status
			nspid=$(awk '$1 == "NSpid:" {print NF - 1}' "$status" 2>/dev/null || echo 0)
			[ "${nspid:-0}" = 1 ] || continue # pid 1 of the sandbox, or gone
			if [ "$(readlink /proc/"$child"/ns/mnt 2>/dev/null)" != "$monitor_ns" ]; then
				who=sentry
			else
				who=gofer
			fi
			r=$(field VmRSS "$status")
			h=$(field VmHWM "$status")
			t=$(field Threads "$status")
			[ -n "$r" ] || continue
			[ "${rss[$who]:-0}" -ge "$r" ] || rss[$who]=$r
			[ "${threads[$who]:-0}" -ge "${t:-0}" ] || threads[$who]=$t
			hwm[$who]=$h
			samples[$who]=$((${samples[$who]:-0} + 1))
		done
	done
	sleep 0.05
done
wait "$moat_pid" || echo "rss.sh: moat do $* exited $?" >&2
for who in sentry gofer; do
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$who" "${rss[$who]:-0}" \
		"${hwm[$who]:-0}" "${threads[$who]:-0}" "${samples[$who]:-0}"
done
