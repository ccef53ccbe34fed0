#!/bin/sh
# Reload benchmark (run by `make bench-reload`, needs root): starts smcrouted in a fresh network
# namespace on 10,000 SSM routes, changes one line, sends SIGHUP and reports the time until the
# kernel has the change, the kernel MFC operations the reload issued, the longest IPC stall and
# how fast SIGTERM is honoured mid-reload. The table goes to stdout and target/bench/reload.md.
# See src/test/java/org/smcroute/it/ReloadBench.java for the method.
#
#   tools/bench-reload.sh [--routes N] [--c /path/to/original/smcrouted] [--fetch-c] [--out FILE]
#
# The original C smcrouted is measured in the same run as a baseline when its path is given with
# --c or C_SMCROUTED=PATH; --fetch-c downloads the distribution package (apt-get download) and
# unpacks it into a temporary directory that is removed afterwards (nothing is installed).
set -e
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench-reload: needs root (network namespaces, multicast routing)" >&2; exit 1; }
JDK=${JDK:-$(sh tools/find-jdk.sh)}
if [ ! -f target/smcroute.jar ] || [ ! -f target/test-classes/org/smcroute/it/ReloadBench.class ]; then
    echo "bench-reload: build first (make; the test classes come with it)" >&2
    exit 1
fi
c=${C_SMCROUTED:-}
fetched=
args=
while [ $# -gt 0 ]; do
    case $1 in
        --c) c=$2; shift 2 ;;
        --fetch-c) fetched=$(mktemp -d /tmp/smcroute-c.XXXXXX); shift ;;
        *) args="$args $1"; shift ;;
    esac
done
if [ -n "$fetched" ]; then
    trap 'rm -rf "$fetched"' EXIT INT TERM
    (cd "$fetched" && apt-get download smcroute >/dev/null 2>&1 && dpkg-deb -x smcroute_*.deb root) \
        && c=$fetched/root/usr/sbin/smcrouted \
        || echo "bench-reload: could not fetch the C smcroute package, measuring without a baseline" >&2
fi
[ -z "$c" ] || [ -x "$c" ] || { echo "bench-reload: $c is not executable" >&2; exit 1; }
# shellcheck disable=SC2086
"$JDK/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -Dsmcroute.home="$PWD" \
    -cp target/test-classes:target/classes org.smcroute.it.ReloadBench ${c:+--c "$c"} $args
