#!/bin/sh
# Install the Debian packages the benchmarks need (tests/bench/run.sh), if any
# is missing. Idempotent and silent when everything is present.
set -eu
PKGS="bubblewrap proot crun runc hyperfine gnuplot-nox busybox-static strace
python3 build-essential cmake libxcrypt-source autoconf automake libtool
pkg-config libseccomp-dev liburing-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "bench/deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "bench/deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	apt-get update -qq >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
