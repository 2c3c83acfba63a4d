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
	       echo scribble > /etc/moat-demo-scribble && echo "wrote /etc/moat-demo-scribble inside" ||
	       echo "writing /etc is refused inside, as on the host for this user"'
echo "== back on the host"
ls -l "$work/hello"
if [ -e /etc/moat-demo-scribble ]; then
	echo "FAIL: the sandbox's write reached the host" >&2
	exit 1
fi
echo "/etc/moat-demo-scribble does not exist on the host: writes outside --rw were discarded"
