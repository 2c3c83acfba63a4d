#!/bin/sh
# Install the Debian packages the benchmarks need (tests/bench/run.sh) on top
# of moat's own, through scripts/deps.sh: the peers compared with (bubblewrap,
# proot, crun, runc), hyperfine, gnuplot for the chart, and googletest, whose
# /usr/src/googletest is the real source tree built. Idempotent and silent
# when present.
set -eu
exec sh "$(dirname "$0")/../../scripts/deps.sh" bubblewrap proot crun runc hyperfine \
	gnuplot-nox googletest
