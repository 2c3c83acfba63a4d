#!/bin/sh
# Install the Debian packages moat needs to build and test, if any is missing
# (with --check, also those only `make check` needs), plus any package named
# on the command line (tests/bench/deps.sh adds the benchmark's peers).
# Idempotent and silent when everything is present.
set -eu
PKGS="build-essential cmake pkg-config libseccomp-dev liburing-dev libcmocka-dev libjansson-dev
libunwind-dev uidmap busybox-static python3 git make gcc tar coreutils findutils
procps util-linux iproute2 xz-utils sqlite3 strace"
# --check adds what `make check` alone needs: the engines that drive moat as
# they drive runc in tests/integration/podman.sh, containerd.sh and docker.sh
# (catatonit is rootless podman's pause process). Not part of a plain build:
# on a host run by systemd, the containerd and docker.io packages start their
# services when installed.
if [ "${1:-}" = --check ]; then
	shift
	PKGS="$PKGS podman conmon catatonit containerd docker.io"
fi
PKGS="$PKGS $*"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps.sh: missing packages:$missing (run as root to install them)" >&2
	exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
