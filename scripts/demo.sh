#!/bin/sh
# `make demo`: build a small C program inside the sandbox with the host's
# compiler, run it, and show that the sandbox's writes did not reach the host.
set -eu
MOAT=${1:-build/moat}
work=$(mktemp -d /tmp/moat-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cat > "$work/hello.c" <<'C'
#include <stdio.h>
#include <sys/utsname.h>
int main(void)
{
	struct utsname u;
	uname(&u);
	printf("hello from %s inside moat (kernel %s)\n", u.nodename, u.release);
	return 0;
}
C
echo "== moat do: compile and run a program; only $work is writable"
"$MOAT" do --rw "$work" --hostname moat-demo --cwd "$work" -- \
	sh -c 'cc -O2 -o hello hello.c && ./hello && id && ls / | tr "\n" " " && echo &&
	       echo scribble > /var/tmp/moat-demo-scribble && echo "wrote /var/tmp/moat-demo-scribble inside" &&
	       { cat /etc/shadow >/dev/null 2>&1 && echo "FAIL: /etc/shadow readable" || echo "/etc/shadow is unreadable: root inside is not host root"; }'
echo "== back on the host"
ls -l "$work/hello"
if [ -e /var/tmp/moat-demo-scribble ]; then
	echo "FAIL: the sandbox's write reached the host" >&2
	exit 1
fi
echo "/var/tmp/moat-demo-scribble does not exist on the host: writes outside --rw were discarded"
