#!/bin/sh
# Install the Debian packages the benchmarks need (tests/bench/run.sh) on top
# of moat's own, through scripts/deps.sh. Idempotent and silent when present.
set -eu
exec sh "$(dirname "$0")/../../scripts/deps.sh" bubblewrap proot crun runc hyperfine \
	gnuplot-nox libxcrypt-source autoconf automake libtool
