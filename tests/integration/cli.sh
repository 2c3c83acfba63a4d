#!/usr/bin/env bash
# `moat do` command line: exit statuses, option errors, --env/--clearenv/
# --cwd/--hostname/--root/--ro/--tmpfs/--net, stdio passthrough, fd hygiene,
# --preserve-fds, signal forwarding, --strace.
. "$(dirname "$0")/helpers.sh" "$@"

# --- exit statuses -----------------------------------------------------------
assert_status exit_true 0 moat_do -- true
assert_status exit_false 1 moat_do -- false
assert_status exit_42 42 moat_do -- sh -c 'exit 42'
assert_status exit_sigterm_143 143 moat_do -- sh -c 'kill -TERM $$'
assert_status exit_sigkill_137 137 moat_do -- sh -c 'kill -KILL $$'
assert_status missing_command_127 127 moat_do -- moat-no-such-command-$$
assert_status missing_path_127 127 moat_do -- /nonexistent/moat-cmd
printf '#!/bin/sh\necho should-not-run\n' >"$T/noexec.sh"
chmod 0644 "$T/noexec.sh"
assert_status not_executable_126 126 moat_do -- "$T/noexec.sh"
assert_status directory_126 126 moat_do -- /usr

run_capture out err rc "$MOAT" do --moat-bogus-option -- true
assert_eq unknown_option_125 125 "$rc" "stderr: $err"
assert_contains unknown_option_named "$err" "--moat-bogus-option"
assert_eq unknown_option_one_line 1 "$(printf '%s\n' "$err" | grep -c .)" "stderr: $err"
run_capture out err rc "$MOAT" do --
assert_eq no_command_after_dashes_125 125 "$rc" "stderr: $err"
[ -n "$err" ] && pass no_command_message || fail no_command_message "stderr was empty"
run_capture out err rc "$MOAT" do
assert_eq no_command_at_all_125 125 "$rc" "stderr: $err"
run_capture out err rc "$MOAT" do --rw "/nonexistent/moat-rw-$$" -- true
assert_eq rw_missing_path_125 125 "$rc" "stderr: $err"
assert_contains rw_missing_path_named "$err" "/nonexistent/moat-rw-$$"
run_capture out err rc "$MOAT" do --net bogus -- true
assert_eq net_bogus_125 125 "$rc" "stderr: $err"
run_capture out err rc moat_do -- true
assert_eq quiet_on_success "" "$out$err"

# --- environment, cwd, hostname, identity ------------------------------------
run_capture out err rc env MOAT_IT_MARKER=inherited "$MOAT" do -- sh -c 'echo "$MOAT_IT_MARKER"'
assert_eq env_inherited inherited "$out" "stderr: $err"
run_capture out err rc moat_do --env FOO=bar --env 'SPACED=a b' -- sh -c 'echo "$FOO|$SPACED"'
assert_eq env_set "bar|a b" "$out" "stderr: $err"
run_capture out err rc env MOAT_IT_MARKER=x "$MOAT" do --env FOO=override -- /usr/bin/env
assert_contains env_caller_kept "$out" "MOAT_IT_MARKER=x"
run_capture out err rc env FOO=caller "$MOAT" do --env FOO=override -- sh -c 'echo $FOO'
assert_eq env_overrides_caller override "$out" "stderr: $err"
run_capture out err rc env MOAT_IT_MARKER=x "$MOAT" do --clearenv --env A=1 -- /usr/bin/env
assert_contains clearenv_keeps_given "$out" "A=1"
assert_not_contains clearenv_drops_caller "$out" "MOAT_IT_MARKER"
run_capture out err rc moat_do --cwd /usr -- pwd
assert_eq cwd_usr /usr "$out" "stderr: $err"
mkdir -m 0755 "$T/cwdrw"
run_capture out err rc moat_do --rw "$T/cwdrw" --cwd "$T/cwdrw" -- sh -c 'pwd; echo x > here'
assert_eq cwd_rw "$T/cwdrw" "$out" "stderr: $err"
[ -f "$T/cwdrw/here" ] && pass cwd_relative_write_lands || fail cwd_relative_write_lands
run_capture out err rc moat_do --cwd "/nonexistent/moat-cwd-$$" -- true
assert_eq cwd_missing_125 125 "$rc" "stderr: $err"
run_capture out err rc bash -c 'cd "$1" && shift && "$@"' _ "$T/cwdrw" "$MOAT" do -- pwd
assert_eq cwd_default_is_callers "$T/cwdrw" "$out" "stderr: $err"
run_capture out err rc moat_do --hostname moat-sbx -- cat /proc/sys/kernel/hostname
assert_eq hostname_proc moat-sbx "$out" "stderr: $err"
run_capture out err rc moat_do --hostname moat-sbx -- uname -n
assert_eq hostname_uname moat-sbx "$out" "stderr: $err"
run_capture out err rc moat_do -- sh -c 'echo $(id -u) $(id -g)'
assert_eq ids_kept "$(id -u) $(id -g)" "$out" "stderr: $err"
run_capture out err rc moat_do --root -- id -u
assert_eq root_flag_uid0 0 "$out" "stderr: $err"

# --- stdio -------------------------------------------------------------------
out=$(printf 'line one\nline two\n' | moat_do -- cat)
assert_eq stdin_to_stdout "line one
line two" "$out"
head -c 3000000 /dev/urandom >"$T/big"
want=$(sha256sum <"$T/big" | cut -d' ' -f1)
got=$(moat_do -- cat <"$T/big" | sha256sum | cut -d' ' -f1)
assert_eq stdin_big_binary "$want" "$got"
moat_do -- sh -c 'echo to-out; echo to-err >&2' >"$T/o" 2>"$T/e" </dev/null
assert_eq stdout_separate to-out "$(cat "$T/o")"
assert_eq stderr_separate to-err "$(cat "$T/e")"
out=$(moat_do -- sh -c 'head -c 5; echo; cat' <<<"abcdefgh")
assert_eq stdin_shared_by_children "abcde
fgh" "$out"

# --- fds ---------------------------------------------------------------------
out=$(exec 5</dev/null 7>"$T/fd7"; moat_do -- ls /proc/self/fd </dev/null | sort -n | tr '\n' ' ')
assert_not_contains fd5_not_inherited " $out" " 5 "
assert_not_contains fd7_not_inherited " $out" " 7 "
extra=$(echo "$out" | tr ' ' '\n' | grep -vxE '0|1|2|3|' | tr '\n' ' ')
assert_eq only_std_fds_and_ls_dirfd "" "$extra" "fds seen: $out"
echo "preserved contents" >"$T/fd3"
out=$(exec 3<"$T/fd3"; moat_do --preserve-fds 1 -- sh -c 'cat <&3' </dev/null 2>&1)
assert_eq preserve_fds_keeps_3 "preserved contents" "$out"
run_capture out err rc bash -c 'exec 3<"$1"; shift; "$@"' _ "$T/fd3" "$MOAT" do -- sh -c 'cat <&3'
[ "$rc" != 0 ] && [ -z "$out" ] && pass fd3_closed_without_preserve ||
	fail fd3_closed_without_preserve "status $rc, stdout: $out"

# --- signals -----------------------------------------------------------------
forward() { # NAME SIGNAL EXPECTED_STATUS
	local pid rc i
	# A signal ignored by whoever started the tests (nohup ignores HUP) stays
	# ignored through every exec, natively and in the sandbox alike.
	if [ $(((0x$(awk '/^SigIgn:/ {print $2}' /proc/self/status) >> ($(kill -l "$2") - 1)) & 1)) = 1 ]; then
		skip "$1" "SIG$2 is ignored by the caller of the tests (nohup?)"
		return
	fi
	# moat itself is the background job, so the signal reaches moat (and
	# through it the workload), not a shell or `timeout` in between.
	"$MOAT" do -- sleep 100 </dev/null &
	pid=$!
	sleep 1
	kill -"$2" "$pid"
	for i in $(seq 150); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		fail "$1" "moat still running 15 s after SIG$2"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	[ "$rc" = "$3" ] && pass "$1" || fail "$1" "status $rc (want $3)"
}
forward sigterm_forwarded TERM 143
forward sighup_forwarded HUP 129
forward sigusr1_forwarded USR1 138

# --- --ro, --tmpfs, --net ----------------------------------------------------
mkdir -m 0755 "$T/ro" "$T/hid"
echo keep >"$T/ro/f"
echo hidden >"$T/hid/secret"
run_capture out err rc moat_do --ro "$T/ro" -- sh -c "echo x > '$T/ro/new'"
[ "$rc" != 0 ] && pass ro_write_fails || fail ro_write_fails "status 0"
assert_contains ro_write_erofs "$err" "Read-only file system"
run_capture out err rc moat_do --ro "$T/ro" -- cat "$T/ro/f"
assert_eq ro_read keep "$out" "stderr: $err"
run_capture out err rc moat_do --tmpfs "$T/hid" -- ls -A "$T/hid"
assert_eq tmpfs_hides_contents "" "$out" "stderr: $err status: $rc"
run_capture out err rc moat_do --tmpfs "$T/hid" -- sh -c "echo y > '$T/hid/new' && cat '$T/hid/new'"
assert_eq tmpfs_writable y "$out" "stderr: $err"
[ ! -e "$T/hid/new" ] && [ "$(cat "$T/hid/secret")" = hidden ] && pass tmpfs_host_untouched ||
	fail tmpfs_host_untouched
run_capture out err rc moat_do -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
assert_eq net_none_only_lo lo "$out" "stderr: $err"
run_capture out err rc moat_do --net none -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
assert_eq net_none_explicit lo "$out" "stderr: $err"
want=$(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort)
run_capture out err rc moat_do --net host -- sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort'
assert_eq net_host_interfaces "$want" "$out" "stderr: $err"

# --- --strace ----------------------------------------------------------------
echo traced >"$T/traced"
chmod 0644 "$T/traced"
run_capture out err rc moat_do --strace -- cat "$T/traced"
assert_eq strace_output_unchanged traced "$out"
assert_contains strace_openat_decoded "$err" "openat(AT_FDCWD, \"$T/traced\", O_RDONLY) = 3"
run_capture out err rc moat_do --strace -- cat "$T/moat-missing-$$"
assert_contains strace_errno_decoded "$err" "\"$T/moat-missing-$$\", O_RDONLY) = -1 ENOENT"
run_capture out err rc moat_do --strace="$T/trace.log" -- cat "$T/traced"
assert_not_contains strace_file_not_on_stderr "$err" "openat(AT_FDCWD, \"$T/traced\""
assert_contains strace_file_written "$(cat "$T/trace.log" 2>/dev/null)" \
	"openat(AT_FDCWD, \"$T/traced\", O_RDONLY) = 3"

# --- signals the caller ignored or blocked reach the command, as natively --
# (nohup's ignored SIGHUP, a harness's blocked signal; bwrap keeps them too)
cat >"$T/with_signals.py" <<'EOF_PY'
import os, signal, sys
signal.signal(signal.SIGHUP, signal.SIG_IGN)
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR2])
os.execvp(sys.argv[1], sys.argv[1:])
EOF_PY
native=$(python3 "$T/with_signals.py" grep -E '^Sig(Ign|Blk)' /proc/self/status)
# (timeout outside: it sets its own SIGHUP handler.)
run_capture out err rc timeout -k 5 "$MOAT_TIMEOUT" python3 "$T/with_signals.py" "$MOAT" do -- \
	grep -E '^Sig(Ign|Blk)' /proc/self/status
assert_eq caller_signals_kept "$native" "$out" "stderr: $err"
# The test's own premise: SIGHUP (bit 0) ignored, SIGUSR2 (bit 11) blocked.
assert_eq caller_signals_premise "1 1" "$(awk '/^SigIgn/ {i = strtonum("0x" $2) % 2}
	/^SigBlk/ {b = int(strtonum("0x" $2) / 2048) % 2} END {print i, b}' <<<"$native")"

finish
