# shellcheck shell=bash disable=SC2013
# Shared by rss.sh and profile.sh (sourced).

# sandbox_pids MOAT_PID: print "sentry=PID gofer=PID" for the `moat do`
# whose CLI process is MOAT_PID, or nothing while they are not both up.
# They are children of the monitor (moat's child): the sentry is the one in
# a mount namespace of its own; pid 1 of the sandbox has two NSpid entries;
# the gofer is the remaining one.
sandbox_pids() {
	local monitor monitor_ns child sentry="" gofer=""
	for monitor in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
		monitor_ns=$(readlink /proc/"$monitor"/ns/mnt 2>/dev/null) || continue
		for child in $(cat /proc/"$monitor"/task/*/children 2>/dev/null); do
			[ "$(awk '$1 == "NSpid:" {print NF - 1}' /proc/"$child"/status 2>/dev/null)" = 1 ] ||
				continue
			if [ "$(readlink /proc/"$child"/ns/mnt 2>/dev/null)" != "$monitor_ns" ]; then
				sentry=$child
			else
				gofer=$child
			fi
		done
	done
	[ -n "$sentry" ] && [ -n "$gofer" ] && echo "sentry=$sentry gofer=$gofer"
	return 0
}

# status_field NAME FILE: the first value of a /proc/PID/status line.
status_field() { awk -v k="$1:" '$1 == k {print $2}' "$2" 2>/dev/null || true; }
