#!/bin/sh
# Benchmarks (run by `make bench`; needs root; not part of `make check`). Writes a markdown
# table to target/bench/results.md and stdout. Every figure has a baseline measured in the same
# run (JVM floor, `java -version`, a bare MRT_ADD_MFC loop, a bare upcall → MRT_ADD_MFC loop, and
# the original C smcrouted when `apt-get download smcroute` works), because the machine is shared
# and noisy.
# The work is done by org.smcroute.bench.Bench (test scope); all traffic and MRT_INIT happen in
# network namespaces it creates and removes (smcr-*).
#
# Sizes (environment):
#   BENCH_ROUTES="1000 10000 100000"   (S,G) lines in the configuration file
#   BENCH_BATCH=10000                  `add` lines for smcroutectl -b (0 skips)
#   BENCH_STARTS=5                     start-up / idle RSS runs (3 s idle each)
#   BENCH_IDLE_LONG=12                 second idle RSS sample of the Java daemon, s (0 skips)
#   BENCH_SHOW_RUNS=20                 interleaved `smcroutectl show` runs
#   BENCH_SHOW_ROUTES=10000            routes behind the interleaved `show routes` runs, Java vs C (0 skips)
#   BENCH_STORM_RATES="2000 5000 10000 20000"  (*,G) storm rates, new sources/s
#   BENCH_STORM_SOURCES=4000           sources per storm rate (0 skips the storm)
#   BENCH_STORM_TRACE=DIR              also write per-source latencies (arrival order) to DIR
#   BENCH_STORM_COLD=1                 0: skip the extra storm on a fresh Java daemon
#   BENCH_STORM_FLUSH=1                0: keep the learned entries between storm steps (no flush)
#   BENCH_JOINS=2000                   `mgroup` lines for the group join/leave figures (0 skips)
#   BENCH_JOIN_SSM=1                   0: only the ASM variant (no `source` lines)
#   BENCH_JOIN_RUNS=3                  interleaved runs of the join figures
#   BENCH_RELOAD_ROUTES=10000          routes in the one-line reload figures (0 skips)
#   BENCH_RELOAD_RUNS=3                reloads per daemon (apply time, IPC stall)
#   BENCH_RELOAD_C_RUNS=1              reloads of the C daemon (each re-adds every route: slow); with
#                                      2 or more its MFC calls are also counted for an unchanged file
#   BENCH_RELOAD_STRACE=1              0: do not count the reload's MFC calls with strace
#   BENCH_SCRAPE_ROUTES=100000         routes in the metrics scrape figures
#   BENCH_SCRAPE_RUNS=3                scrapes of each kind (smcroutectl, raw IPC, HTTP)
#   BENCH_PROXY_RUNS=3                 IGMP/MLD proxy join/leave runs per proxy
#   BENCH_PROXY_GROUPS=4000            reports (one group each) per reports/s figure
#   BENCH_PROXY_RATES="10000 50000"    rates at which those reports are sent
#   BENCH_IGMPPROXY=1                  0: skip the igmpproxy baseline of the proxy section
#   BENCH_RESEND_SOURCES=5000          resend: new sources re-sending round-robin until all are routed (0 skips);
#                                      ours, the C daemon and the ResendFloor loop, interleaved
#   BENCH_RESEND_RUNS=5                resend: counted runs each (median; after one warm-up run)
#   BENCH_RESEND_C_RUNS=1              resend: counted runs of the C daemon (0 leaves it out)
#   BENCH_RESEND_RATES="0 40000"       resend: sender packets/s, each in turn (0: as fast as it can)
#   BENCH_RESEND_TIMEOUT=30            resend: seconds a run may take before it counts as incomplete
#   BENCH_FLOOD_SOURCES=100000         flood: new sources, one packet each, on a (*,G) template (0 skips)
#   BENCH_FLOOD_RATE=20000             flood: new sources/s
#   BENCH_FLOOD_IDLE=10                flood: seconds idle before the idle RSS sample
#   BENCH_BIGSHOW_ROUTES=100000        bigshow: routes behind 3 `show routes` + 3 `-j show routes`, RSS (0 skips)
#   BENCH_BIGSHOW_RUNS=3               bigshow: daemons in turn that take those steps
#   BENCH_BIGSHOW_HUGE=500000          bigshow: routes shown in full once each way (0 skips)
#   BENCH_BIGSHOW_HUGE_OPTS=-Xmx512m   bigshow: SMCROUTED_JAVA_OPTS of that daemon
#   BENCH_BUILD=1                      time a clean offline build (0 skips)
#   BENCH_CHECK=0                      1: also time `make check`
#   BENCH_C=1                          0: skip the C smcrouted baseline
#   BENCH_C_MAX_ROUTES=20000           larger route sizes skip C (its install time is quadratic)
#   BENCH_OUT=target/bench/results.md
#   BENCH_ONLY="join reload"           run only these sections (build startup show routes batch join
#                                      reload storm metrics proxy resend flood bigshow; default all)
# Quick run: BENCH_ROUTES=1000 BENCH_BATCH=1000 BENCH_STARTS=2 BENCH_SHOW_RUNS=5 \
#            BENCH_STORM_RATES=2000 BENCH_STORM_SOURCES=1000 BENCH_BUILD=0 \
#            BENCH_JOINS=500 BENCH_JOIN_RUNS=1 BENCH_RELOAD_ROUTES=2000 BENCH_RELOAD_RUNS=2 \
#            BENCH_RESEND_SOURCES=1000 BENCH_RESEND_RUNS=1 BENCH_FLOOD_SOURCES=10000 BENCH_FLOOD_IDLE=3 \
#            BENCH_BIGSHOW_ROUTES=10000 BENCH_BIGSHOW_HUGE=0 BENCH_SHOW_ROUTES=1000 tools/bench.sh
set -eu
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (network namespaces, multicast routing)" >&2; exit 1; }
jdk=$(sh tools/find-jdk.sh)
[ -f target/smcroute.jar ] && [ -f target/test-classes/org/smcroute/bench/Bench.class ] \
    || { echo "bench: run 'make bench' (or make && mvn test-compile) first" >&2; exit 1; }
mkdir -p target/bench

# Baselines from Debian packages, unpacked under target/bench (never installed, never run as a
# service, never committed): the original C SMCRoute, and igmpproxy for the proxy section.
# fetch PKG BIN prints "DIR VERSION" when the package's BIN is there; the baseline is skipped
# gracefully when the package cannot be downloaded.
fetch() {
    d=target/bench/$1
    if [ ! -x "$d/$2" ]; then
        rm -rf "$d" && mkdir -p "$d"
        if ! { (cd "$d" && apt-get download "$1" >/dev/null 2>&1) && dpkg-deb -x "$d/$1"_*.deb "$d"; }; then
            echo "bench: $1 not available (apt-get download $1 failed); its baseline skipped" >&2
        fi
    fi
    if [ -x "$d/$2" ]; then
        echo "$(cd "$d" && pwd) $(ls "$d/$1"_*.deb 2>/dev/null | sed -n "s/.*$1_\([^_]*\)_.*/\1/p" | head -n 1)"
    fi
}
cdir= cver= idir= iver=
if [ "${BENCH_C:-1}" != 0 ]; then
    set -- $(fetch smcroute usr/sbin/smcrouted)
    cdir=${1:-} cver=${2:-}
fi
if [ "${BENCH_IGMPPROXY:-1}" != 0 ]; then
    set -- $(fetch igmpproxy usr/sbin/igmpproxy)
    idir=${1:-} iver=${2:-}
fi

BENCH_C_DIR=$cdir BENCH_C_VERSION=$cver BENCH_IGMPPROXY_DIR=$idir BENCH_IGMPPROXY_VERSION=$iver \
BENCH_OUT=${BENCH_OUT:-target/bench/results.md} \
exec "$jdk/bin/java" -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED -Dsmcroute.home="$(pwd)" \
    -cp target/test-classes:target/classes org.smcroute.bench.Bench
