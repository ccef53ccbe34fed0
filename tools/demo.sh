#!/bin/sh
# Multicast routing demo between network namespaces (run by `make demo`; needs root).
#
#   sender 10.0.0.2 / fd00::2
#     eth0 ── eth0  router (smcrouted -n)  eth1 ── eth0  rcv1
#                                          eth2 ── eth0  rcv2
#                                          eth3 ── eth0  rcv3
#
# The router gets an (S,G) route, a (*,G) template and an IPv6 (S,G) route. Every receiver joins
# every group, so the table at the end shows exactly where the router forwarded each flow and
# where it did not. Exit 0 only if each flow reached exactly the receivers its route names.
# Everything lives in namespaces smcr-demo-PID-* and a temp directory, removed on exit.
set -eu
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "demo: needs root (network namespaces, multicast routing)" >&2; exit 1; }
jdk=$(sh tools/find-jdk.sh)
java=$jdk/bin/java
[ -f target/smcroute.jar ] && [ -f target/test-classes/org/smcroute/it/McastTool.class ] \
    || { echo "demo: run 'make demo' (or make && mvn test-compile) first" >&2; exit 1; }
cp=target/test-classes:target/classes

if [ -t 1 ]; then B=$(printf '\033[1m') G=$(printf '\033[32m') R=$(printf '\033[31m') N=$(printf '\033[0m')
else B= G= R= N=; fi
step() { printf '\n%s==> %s%s\n' "$B" "$*" "$N"; }

P=smcr-demo-$$
tmp=$(mktemp -d /tmp/smcr-demo.XXXXXX)
NS="snd rtr rcv1 rcv2 rcv3"
daemon=
cleanup() {
    rc=$?
    set +e
    [ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
    for n in $NS; do
        ip netns pids "$P-$n" 2>/dev/null | xargs -r kill 2>/dev/null
        ip netns del "$P-$n" 2>/dev/null
    done
    rm -rf "$tmp"
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

nsx() { n=$1; shift; ip netns exec "$P-$n" "$@"; }

step "Topology: sender -> router -> 3 receivers (namespaces $P-*)"
for n in $NS; do
    ip netns add "$P-$n"
    nsx "$n" sh -c 'ip link set lo up; sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0'
done
nsx rtr sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
k=0
for host in snd rcv1 rcv2 rcv3; do
    ip -n "$P-rtr" link add "eth$k" type veth peer name eth0 netns "$P-$host"
    nsx rtr sh -c "ip addr add 10.0.$k.1/24 dev eth$k; ip -6 addr add fd00:0:0:$k::1/64 dev eth$k nodad; ip link set eth$k up"
    nsx "$host" sh -c "ip addr add 10.0.$k.2/24 dev eth0; ip -6 addr add fd00:0:0:$k::2/64 dev eth0 nodad; ip link set eth0 up
                      ip route add default via 10.0.$k.1; ip -6 route add default via fd00:0:0:$k::1"
    v6=fd00:0:0:$k::2; [ $k -eq 0 ] && v6=fd00::2
    printf "  %-5s eth0 %-12s %-16s <-> router eth%s\n" "$host" "10.0.$k.2" "$v6" "$k"
    k=$((k + 1))
done

step "Router configuration ($tmp/smcroute.conf)"
cat > "$tmp/smcroute.conf" <<'EOF'
phyint eth0 enable
phyint eth1 enable
phyint eth2 enable
phyint eth3 enable ttl-threshold 2

# Join on the upstream side, so IGMP-snooping switches send the stream our way.
mgroup from eth0 group 225.1.2.3

# (S,G): this one sender's stream goes to receivers 1 and 2.
mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
# (*,G) template: any source in 225.3.0.0/16 goes to receivers 2 and 3, installed on demand.
mroute from eth0 group 225.3.0.0/16 to eth2 eth3
# IPv6 (S,G): to receivers 1 and 3.
mroute from eth0 source fd00::2 group ff0e::114 to eth1 eth3
EOF
sed 's/^/  /' "$tmp/smcroute.conf"

step "Starting smcrouted -n in the router namespace"
ip netns exec "$P-rtr" env JAVA_HOME="$jdk" bin/smcrouted -n -f "$tmp/smcroute.conf" \
    -u "$tmp/smcroute.sock" -P "$tmp/smcroute.pid" -l info > "$tmp/daemon.log" 2>&1 &
daemon=$!
i=0
until [ -s "$tmp/smcroute.pid" ]; do
    kill -0 "$daemon" 2>/dev/null || { cat "$tmp/daemon.log"; echo "demo: smcrouted exited" >&2; exit 1; }
    [ $i -lt 200 ] || { cat "$tmp/daemon.log"; echo "demo: smcrouted not ready after 10 s" >&2; exit 1; }
    sleep 0.05; i=$((i + 1))
done
sed 's/^/  /' "$tmp/daemon.log"
ctl() { ip netns exec "$P-rtr" env JAVA_HOME="$jdk" bin/smcroutectl -u "$tmp/smcroute.sock" "$@"; }

# Flows: group, sender address, and the receivers their route should reach.
FLOWS="225.1.2.3/10.0.0.2/rcv1,rcv2 225.3.4.5/10.0.0.2/rcv2,rcv3 ff0e::114/fd00::2/rcv1,rcv3"
COUNT=20
step "Receivers join 225.1.2.3, 225.3.4.5 and ff0e::114"
for r in rcv1 rcv2 rcv3; do
    mkfifo "$tmp/$r.in"
    ip netns exec "$P-$r" "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" org.smcroute.it.McastTool recv \
        --iface eth0 --port 4000 --group 225.1.2.3 --group 225.3.4.5 --group ff0e::114 \
        < "$tmp/$r.in" > "$tmp/$r.out" 2>&1 &
done
exec 3>"$tmp/rcv1.in" 4>"$tmp/rcv2.in" 5>"$tmp/rcv3.in"
for r in rcv1 rcv2 rcv3; do
    i=0
    until grep -q '^ready' "$tmp/$r.out"; do
        [ $i -lt 300 ] || { cat "$tmp/$r.out"; echo "demo: receiver $r did not start" >&2; exit 1; }
        sleep 0.05; i=$((i + 1))
    done
done

step "Sender: $COUNT packets per group, TTL 8"
senders=
for f in $FLOWS; do
    g=${f%%/*}
    nsx snd "$java" -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$cp" org.smcroute.it.McastTool send \
        --iface eth0 --group "$g" --port 4000 --count $COUNT --rate 100 --ttl 8 >/dev/null &
    senders="$senders $!"
done
for s in $senders; do wait "$s" || { echo "demo: a sender failed" >&2; exit 1; }; done
sleep 0.3
exec 3>&- 4>&- 5>&-        # EOF: the receivers print their counts and exit
for r in rcv1 rcv2 rcv3; do
    i=0
    until grep -q '^end' "$tmp/$r.out"; do
        [ $i -lt 100 ] || break
        sleep 0.05; i=$((i + 1))
    done
done

step "smcroutectl show routes"
ctl show routes
step "smcroutectl show interfaces"
ctl show interfaces
step "smcroutectl show groups"
ctl show groups

step "What each receiver got"
fail=0
printf '  %s%-6s %-24s %8s  %-8s %s%s\n' "$B" receiver "flow (source, group)" packets expected result "$N"
for r in rcv1 rcv2 rcv3; do
    for f in $FLOWS; do
        g=${f%%/*}; want=${f##*/}; src=${f#*/}; src=${src%/*}
        got=$(awk -v s="$src" -v g="$g" '$1 == "count" && $2 == s && $3 == g { print $4 }' "$tmp/$r.out")
        got=${got:-0}
        case ",$want," in *",$r,"*) exp=$COUNT ;; *) exp=0 ;; esac
        if [ "$got" -eq "$exp" ] || { [ "$exp" -gt 0 ] && [ "$got" -ge $((COUNT - 2)) ]; }; then
            res="${G}ok${N}"
        else
            res="${R}FAIL${N}"; fail=1
        fi
        printf '  %-6s %-24s %8s  %-8s %s\n' "$r" "($src, $g)" "$got" "$exp" "$res"
    done
done

step "Stopping smcrouted"
kill "$daemon"; wait "$daemon" || true; daemon=
tail -n 2 "$tmp/daemon.log" | sed 's/^/  /'
if [ $fail -ne 0 ]; then
    printf '\n%sdemo: FAILED: traffic did not follow the routes%s\n' "$R" "$N" >&2
    exit 1
fi
printf '\n%sdemo: OK: multicast crossed the router exactly as configured%s\n' "$G" "$N"
