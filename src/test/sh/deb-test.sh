#!/bin/bash
# Test of the Debian package target/deb/*.deb (run by `make check` after `make deb`; root):
#   1. its control fields and contents;
#   2. lintian: no error and no warning beyond the package's own overrides;
#   3. the maintainer scripts' rules, with and without systemd, against stand-ins for
#      deb-systemd-helper, deb-systemd-invoke and systemctl (in a private mount namespace);
#   4. installed on this machine: `smcrouted -F /etc/smcroute.conf` and `smcroutectl -v` on their
#      AOT caches, the installed completions, and a multicast flow routed by the installed
#      daemon between network namespaces (smcr-PID-deb-*); then purged, and nothing of it may
#      be left.
# The maintainer scripts run with systemd hidden from them (a private mount namespace with an
# empty /run/systemd), so they never start or stop a service of this machine; the daemon under
# test runs only in its own namespace. The test refuses to install over anything that is not its
# own (an installed smcroute or smcroute-java package, files at the package's paths) and purges
# its installation on every exit. Runs of it on one machine take turns (flock).
set -euo pipefail
cd "$(dirname "$0")/../../.."
pkg=smcroute-java
name=deb-test

fail() { echo "$name: FAIL: $*" >&2; exit 1; }
step() { echo "$name: $*"; }
skip() { echo "$name: SKIPPED: $*"; exit 0; }

[ "$(id -u)" -eq 0 ] || skip "needs root (it installs the package)"
for tool in dpkg-deb dpkg-query unshare flock ip; do
    command -v $tool >/dev/null || skip "$tool not found"
done
debs=(target/deb/*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "want exactly one package in target/deb, found: ${debs[*]}"
deb=${debs[0]}
tmp=$(mktemp -d /tmp/smcr-deb-test.XXXXXX)
marker=/var/lib/$pkg-deb-test.installed
P=smcr-$$-deb
daemon= installed=

# Runs a command with systemd invisible: maintainer scripts then behave as without systemd.
without_systemd() {
    if [ -d /run/systemd ]; then
        unshare -m -- sh -c 'mount -t tmpfs -o size=64k tmpfs /run/systemd && exec "$@"' sh "$@"
    else
        "$@"
    fi
}
# dpkg, waiting (up to 2 minutes) while another dpkg or apt holds its lock.
dpkg_() {
    local i
    for i in $(seq 60); do
        if without_systemd dpkg "$@" >"$tmp/dpkg.log" 2>&1; then return 0; fi
        grep -q 'lock' "$tmp/dpkg.log" || break
        sleep 2
    done
    cat "$tmp/dpkg.log" >&2
    return 1
}
cleanup() {
    local rc=$?
    set +e
    [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    for n in snd rtr rcv; do
        ip netns pids "$P-$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
        ip netns del "$P-$n" 2>/dev/null
    done
    if [ -n "$installed" ]; then
        echo "$name: purging $pkg after a failure" >&2
        dpkg_ --purge "$pkg" && rm -f "$marker"
    fi
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. control fields and contents -----------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
version=$(field Version)
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "${pkg}_${version}_$arch.deb" ] || fail "file name $(basename "$deb")"
[ "$(field Package)" = $pkg ] || fail "Package: $(field Package)"
[ "$(field Architecture)" = "$arch" ] || fail "Architecture: $(field Architecture)"
[ "$(field Provides)" = "smcroute (= $version)" ] || fail "Provides: $(field Provides)"
[ "$(field Conflicts)" = smcroute ] || fail "Conflicts: $(field Conflicts)"
[ "$(field Replaces)" = smcroute ] || fail "Replaces: $(field Replaces)"
[[ $(field Depends) == *libc6* ]] || fail "Depends: $(field Depends)"
[ "$(field Section)" = net ] && [ "$(field Priority)" = optional ] || fail "Section/Priority"
[[ $(field Installed-Size) =~ ^[0-9]+$ ]] || fail "Installed-Size: $(field Installed-Size)"
[[ $(field Maintainer) =~ ^.+\ \<.+@.+\>$ ]] || fail "Maintainer: $(field Maintainer)"
[ -n "$(field Description)" ] || fail "no Description"
dpkg-deb -e "$deb" "$tmp/control"
[ "$(cat "$tmp/control/conffiles")" = "$(printf '/etc/smcroute.conf\n/etc/default/smcroute')" ] \
    || fail "conffiles: $(cat "$tmp/control/conffiles")"
for s in postinst prerm postrm; do
    [ -x "$tmp/control/$s" ] && sh -n "$tmp/control/$s" || fail "maintainer script $s"
done
dpkg-deb -c "$deb" > "$tmp/contents"
awk '$2 != "root/root" { print; bad = 1 } END { exit bad }' "$tmp/contents" || fail "files not owned by root"
awk '{ print $6 }' "$tmp/contents" | sed 's|^\./|/|' > "$tmp/paths"
for p in /usr/sbin/smcrouted /usr/sbin/smcroutectl \
    /usr/lib/smcroute/smcroute.jar /usr/lib/smcroute/smcroutectl.aot /usr/lib/smcroute/smcrouted.aot \
    /usr/lib/smcroute/smcroutectl.security /usr/lib/smcroute/launcher.conf \
    /usr/lib/smcroute/runtime/bin/java /usr/lib/smcroute/runtime/lib/server/libjvm.so \
    /lib/systemd/system/smcroute.service /etc/smcroute.conf /etc/default/smcroute /etc/smcroute.d/ \
    /usr/share/man/man8/smcrouted.8.gz /usr/share/man/man8/smcroutectl.8.gz \
    /usr/share/man/man5/smcroute.conf.5.gz \
    /usr/share/bash-completion/completions/smcroutectl /usr/share/bash-completion/completions/smcrouted \
    /usr/share/doc/$pkg/README.md /usr/share/doc/$pkg/BUGS.md /usr/share/doc/$pkg/guide.md \
    /usr/share/doc/$pkg/copyright \
    /usr/share/doc/$pkg/changelog.Debian.gz /usr/share/lintian/overrides/$pkg; do
    grep -qxF "$p" "$tmp/paths" || fail "the package lacks $p"
done
! grep -E '^/usr/share/man/.*[^/]$' "$tmp/paths" | grep -v '\.gz$' || fail "uncompressed manual pages"
step "control fields and contents ok ($(basename "$deb"), $(du -h "$deb" | cut -f1))"

# ---- 2. lintian --------------------------------------------------------------------------------
if command -v lintian >/dev/null; then
    # (as root lintian says so on stderr, which is only noise here)
    lintian --fail-on error,warning "$deb" 2> >(grep -v 'root privileges' >&2) || fail "lintian found errors or warnings (above)"
    step "lintian: no errors, no warnings beyond the overrides"
else
    step "lintian not installed: lintian check skipped"
fi

# ---- 3. maintainer scripts ---------------------------------------------------------------------
# The stand-ins log their arguments; was-enabled answers $WAS_ENABLED (0 = yes).
mkdir "$tmp/stubs"
for tool in deb-systemd-helper deb-systemd-invoke systemctl; do
    printf '#!/bin/sh\necho "${0##*/} $*" >> "$STUB_LOG"\n[ "$1 $2" = "--quiet was-enabled" ] && exit "${WAS_ENABLED:-0}"\nexit 0\n' \
        > "$tmp/stubs/$tool"
    chmod +x "$tmp/stubs/$tool"
done
# script SYSTEMD(yes|no) SCRIPT ARG...: runs a maintainer script, prints what it called (one line).
script() {
    local sd=$1
    shift
    : > "$tmp/stub.log"
    STUB_LOG=$tmp/stub.log PATH=$tmp/stubs:$PATH unshare -m -- sh -c '
        mount -t tmpfs -o size=64k tmpfs /run
        [ "$0" = yes ] && mkdir -p /run/systemd/system
        exec sh "$@"' "$sd" "$tmp/control/$@" >/dev/null
    sed 's/ smcroute\.service//' "$tmp/stub.log" | paste -sd ';' -
}
check_script() {  # WANTED SYSTEMD SCRIPT ARG...
    local want=$1 got
    shift
    got=$(script "$@")
    [ "$got" = "$want" ] || fail "maintainer script $* called [$got], expected [$want]"
}
enable="deb-systemd-helper unmask;deb-systemd-helper --quiet was-enabled;deb-systemd-helper enable"
reload="systemctl --system daemon-reload"
check_script "$enable;$reload;deb-systemd-invoke start" yes postinst configure ""
check_script "$enable;$reload;deb-systemd-invoke try-restart" yes postinst configure 2.5.6-1
WAS_ENABLED=1 check_script "deb-systemd-helper unmask;deb-systemd-helper --quiet was-enabled;deb-systemd-helper update-state;$reload;deb-systemd-invoke start" yes postinst configure ""
check_script "$enable" no postinst configure ""
check_script "$enable" no postinst configure 2.5.6-1
DPKG_ROOT=/x check_script "$enable" yes postinst configure ""
check_script "deb-systemd-invoke stop" yes prerm remove
check_script "" yes prerm upgrade 99
check_script "" no prerm remove
check_script "$reload" yes postrm remove
check_script "$reload;deb-systemd-helper purge" yes postrm purge
check_script "deb-systemd-helper purge" no postrm purge
check_script "" yes postrm upgrade 99
step "maintainer scripts: install enables and starts, upgrade restarts a running daemon, remove stops, purge forgets the unit; without systemd only the enabling"

# ---- 4. install, run, route, purge -------------------------------------------------------------
# One run at a time on this machine; whatever a killed run left installed is purged first.
lockdir=/run/lock
[ -d $lockdir ] || lockdir=/tmp
exec 9>"$lockdir/smcroute-$name.lock"
flock -w 900 9 || fail "another $name run holds the lock for 15 minutes"
if [ -e "$marker" ]; then
    step "purging $pkg left installed by an interrupted run"
    dpkg_ --purge "$pkg"
    rm -f "$marker"
fi
for p in smcroute $pkg; do
    status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
    case $status in
        "" | un*) ;;
        *) skip "package $p is on this machine (dpkg status '$status'); the test does not replace it" ;;
    esac
done
while read -r p; do
    [ "$p" = / ] && continue
    if [ -e "$p" ] && { [ ! -d "$p" ] || [[ $p == /usr/lib/smcroute* || $p == /etc/smcroute.d* || $p == /usr/share/doc/$pkg* ]]; }; then
        skip "$p exists (another installation of smcroute?); the test does not overwrite it"
    fi
done < "$tmp/paths"
[ ! -e /var/lib/systemd/deb-systemd-helper-enabled/smcroute.service.dsh-also ] \
    || skip "the unit smcroute.service has an enablement state on this machine; the test does not touch it"

# What exists before, to compare with what is left after the purge.
watched="/etc /lib/systemd /usr/sbin /usr/lib /usr/share/doc /usr/share/man /usr/share/bash-completion
    /usr/share/lintian/overrides /var/lib/systemd /var/lib/dpkg/info"
# On a machine without systemd, deb-systemd-helper creates /etc/systemd/system to enable the unit
# and leaves it after the purge, as for any package with a unit: while no file is below them,
# these directories are not counted.
snapshot() {
    find $watched -xdev 2>/dev/null | LC_ALL=C sort | while read -r p; do
        case $p in
            /etc/systemd | /etc/systemd/system)
                [ -n "$(find "$p" -mindepth 1 ! -type d -print -quit)" ] || continue ;;
        esac
        echo "$p"
    done
}
snapshot > "$tmp/before"
sed 's|\(.\)/$|\1|' "$tmp/paths" > "$tmp/files"
while read -r p; do
    if [ -e "$p" ]; then echo "$p"; fi
done < "$tmp/files" > "$tmp/existed"

touch "$marker"
installed=1
t0=$(date +%s%N)
dpkg_ -i "$deb" || fail "dpkg -i failed"
step "installed in $((($(date +%s%N) - t0) / 1000000)) ms"
[ "$(dpkg-query -W -f='${db:Status-Abbrev}' $pkg)" = "ii " ] || fail "not installed: $(dpkg-query -W -f='${db:Status-Abbrev}' $pkg)"
[ "$(readlink /etc/systemd/system/multi-user.target.wants/smcroute.service)" = /lib/systemd/system/smcroute.service ] \
    || fail "the unit is not enabled"
grep -qx 'ExecStart=/usr/sbin/smcrouted -n -s $SMCROUTED_OPTS $SMCROUTED_ARGS' /lib/systemd/system/smcroute.service \
    || fail "unit ExecStart"
grep -qx 'java=' /usr/lib/smcroute/launcher.conf || fail "launcher.conf names a JDK: $(cat /usr/lib/smcroute/launcher.conf)"
for c in smcroutectl smcrouted; do
    [ /usr/lib/smcroute/$c.aot -nt /usr/lib/smcroute/smcroute.jar ] || fail "$c.aot is not newer than the jar"
done

# The installed programs, each on its AOT cache: the launcher passes the cache, and with
# AOTMode=on the JVM exits with an error if it cannot use it.
aot_run() {  # PROGRAM ARG...: runs it, output in $tmp/out
    JDK_JAVA_OPTIONS='-XX:AOTMode=on -XX:+PrintFlagsFinal' "$@" > "$tmp/out" 2>&1 \
        || { cat "$tmp/out" >&2; fail "$* exited with $?"; }
    grep -Eq "AOTCache += [^ ]*/lib/smcroute/${1##*/}\.aot " "$tmp/out" \
        || { grep -E 'AOT|rror' "$tmp/out" >&2; fail "$1 did not run on its AOT cache"; }
}
aot_run /usr/sbin/smcrouted -F /etc/smcroute.conf
grep -qx 'Verifying configuration file /etc/smcroute.conf ...' "$tmp/out" || { cat "$tmp/out" >&2; fail "smcrouted -F output"; }
aot_run /usr/sbin/smcroutectl -v
grep -qx "SMCRoute v$version" "$tmp/out" || { cat "$tmp/out" >&2; fail "smcroutectl -v does not say v$version"; }
grep -q "/usr/share/doc/$pkg/BUGS.md" "$tmp/out" || { cat "$tmp/out" >&2; fail "smcroutectl -v does not name BUGS.md"; }
step "smcrouted -F /etc/smcroute.conf and smcroutectl -v ok, both on their AOT caches"

bash src/test/sh/completion-test.sh /usr/share/bash-completion/completions /usr/sbin/smcroutectl /usr/sbin/smcrouted \
    || fail "installed completions"

# sender eth0 10.1.0.2 -- eth0 router (installed smcrouted) eth1 -- eth0 10.2.0.2 receiver
jdk=$(sh tools/find-jdk.sh)
[ -f target/test-classes/org/smcroute/it/McastTool.class ] || fail "no target/test-classes: run make check"
mcast() { local n=$1; shift; ip netns exec "$P-$n" "$jdk/bin/java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -cp target/test-classes:target/classes org.smcroute.it.McastTool "$@"; }
for n in snd rtr rcv; do
    ip netns add "$P-$n"
    ip netns exec "$P-$n" sh -ec 'ip link set lo up; sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0'
done
ip -n "$P-rtr" link add eth0 type veth peer name eth0 netns "$P-snd"
ip -n "$P-rtr" link add eth1 type veth peer name eth0 netns "$P-rcv"
for a in rtr/eth0/10.1.0.1 snd/eth0/10.1.0.2 rtr/eth1/10.2.0.1 rcv/eth0/10.2.0.2; do
    IFS=/ read -r n dev addr <<< "$a"
    ip -n "$P-$n" addr add "$addr/24" dev "$dev"
    ip -n "$P-$n" link set "$dev" up
done
echo 'mroute from eth0 group 225.1.2.3 to eth1' > "$tmp/smcroute.conf"
ip netns exec "$P-rtr" /usr/sbin/smcrouted -n -l info -f "$tmp/smcroute.conf" -u "$tmp/smcroute.sock" \
    -P "$tmp/smcroute.pid" </dev/null >"$tmp/daemon.log" 2>&1 &
daemon=$!
i=0
until [ -s "$tmp/smcroute.pid" ]; do
    kill -0 "$daemon" 2>/dev/null && [ $i -lt 200 ] || { cat "$tmp/daemon.log" >&2; fail "the installed smcrouted did not start"; }
    sleep 0.05; i=$((i + 1))
done
mkfifo "$tmp/rcv.in"
mcast rcv recv --iface eth0 --port 4000 --group 225.1.2.3 < "$tmp/rcv.in" > "$tmp/rcv.out" 2>&1 &
exec 8>"$tmp/rcv.in"
i=0
until grep -qs '^ready' "$tmp/rcv.out"; do
    [ $i -lt 300 ] || { cat "$tmp/rcv.out" >&2; fail "the receiver did not start"; }
    sleep 0.05; i=$((i + 1))
done
# 100 packets/s: the kernel holds 10 packets of a new flow while the daemon installs its route.
mcast snd send --iface eth0 --group 225.1.2.3 --port 4000 --count 30 --rate 100 >/dev/null
sleep 0.3
exec 8>&-
wait $!
got=$(awk '$1 == "count" && $2 == "10.1.0.2" && $3 == "225.1.2.3" { print $4 }' "$tmp/rcv.out")
ip netns exec "$P-rtr" /usr/sbin/smcroutectl -u "$tmp/smcroute.sock" -pt show > "$tmp/show"
[ "${got:-0}" -eq 30 ] || { cat "$tmp/rcv.out" "$tmp/show" "$tmp/daemon.log" >&2; fail "the receiver got ${got:-0} of 30 packets"; }
grep -q '^(10\.1\.0\.2, 225\.1\.2\.3) *eth0 *eth1$' "$tmp/show" || { cat "$tmp/show" >&2; fail "show lacks the learned route"; }
kill "$daemon"
wait "$daemon" || fail "the installed smcrouted exited with $? on SIGTERM"
daemon=
step "the installed smcrouted routed 30 of 30 packets of (10.1.0.2, 225.1.2.3) between namespaces"

# Purge; then nothing of the package may be left.
dpkg_ --purge "$pkg" || fail "dpkg --purge failed"
installed=
rm -f "$marker"
status=$(dpkg-query -W -f='${db:Status-Abbrev}' $pkg 2>/dev/null || true)
case $status in "" | un*) ;; *) fail "after the purge the package is in state '$status'" ;; esac
snapshot > "$tmp/after"
if ! diff "$tmp/before" "$tmp/after" > "$tmp/diff"; then
    cat "$tmp/diff" >&2
    fail "the file system differs from before the installation (above: < gone, > new)"
fi
while read -r p; do
    if [ -e "$p" ] && ! grep -qxF "$p" "$tmp/existed"; then fail "$p is left"; fi
done < "$tmp/files"
step "purged: the $(wc -l < "$tmp/files") paths of the package, its conffiles and its unit's enablement are gone"
