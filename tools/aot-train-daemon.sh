#!/bin/sh
# The daemon's AOT training run (called by tools/aot-train.sh inside a fresh network namespace,
# never in the host's): smcrouted -n with a small configuration on veth interfaces, a few
# client requests, then SIGTERM; the JVM writes the cache OUT as it exits.
# Usage: tools/aot-train-daemon.sh OUT
out=$1
dir=$(pwd)/target/aot-train-daemon
rm -rf "$dir" && mkdir -p "$dir"
ip link set lo up 2>/dev/null
# veth pairs (the dummy driver is not always available); failures only make the training thinner
ip link add eth0 type veth peer name peer0 2>/dev/null
ip link add eth1 type veth peer name eth2 2>/dev/null
for i in eth0 peer0 eth1 eth2; do ip link set "$i" up 2>/dev/null; done
ip addr add 10.0.0.1/24 dev eth0 2>/dev/null
ip addr add 10.0.0.2/24 dev peer0 2>/dev/null
ip addr add fd00::1/64 dev eth0 nodad 2>/dev/null
ip addr add fd00::2/64 dev peer0 nodad 2>/dev/null
ip route add 225.0.0.0/8 dev peer0 2>/dev/null
ip -6 route add ff0e::/16 dev peer0 table local 2>/dev/null
cat > "$dir/smcroute.conf" <<END
phyint eth0 enable
mgroup from eth0 group 225.1.2.3
mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
mroute from eth0 group 225.3.0.0/16 to eth2
mroute from eth0 source fd00::2 group ff0e::114 to eth1 eth2
mroute from eth0 group ff0e::3:0/112 to eth2
END
# Enough (S,G) lines for the install path to get hot, so the cache's profiles cover it.
i=0
while [ $i -lt 3000 ]; do
    echo "mroute from eth0 source 10.0.0.9 group 225.5.$((i / 250)).$((i % 250 + 1)) to eth1"
    i=$((i + 1))
done >> "$dir/smcroute.conf"
JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=$out" bin/smcrouted -n -f "$dir/smcroute.conf" \
    -u "$dir/smcroute.sock" -P "$dir/smcroute.pid" -l notice --metrics-listen 127.0.0.1:9810 & daemon=$!
i=0
while [ ! -s "$dir/smcroute.pid" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
# Kernel upcalls: new (S,G) flows from peer0 into eth0, in and out of the (*,G) templates, so
# the first real source storm does not pay for loading and linking the upcall path. bash's
# /dev/udp sends one datagram per redirection (TTL 1: upcalls, nothing is forwarded).
if command -v bash >/dev/null; then
    bash -c 'for i in $(seq 1 400); do
        echo x 2>/dev/null >/dev/udp/225.3.$((i / 200)).$((i % 200 + 1))/4000
        echo x 2>/dev/null >/dev/udp/ff0e::3:$i/4000
        [ $((i % 10)) -eq 0 ] && echo x 2>/dev/null >/dev/udp/225.4.0.$((i / 10))/4000
    done' 2>/dev/null
    sleep 0.5
fi
# IPC requests in bulk, as smcroutectl -b sends them
i=0
while [ $i -lt 500 ]; do
    echo "add eth0 10.0.0.8 225.6.$((i / 250)).$((i % 250 + 1)) eth1"
    echo "remove eth0 10.0.0.8 225.6.$((i / 250)).$((i % 250 + 1))"
    i=$((i + 1))
done | bin/smcroutectl -u "$dir/smcroute.sock" -b
bin/smcroutectl -u "$dir/smcroute.sock" -b <<END
show
show routes
show interfaces
show groups
join eth1 225.1.2.4
add eth0 10.0.0.3 225.1.2.5 eth1
remove eth0 10.0.0.3 225.1.2.5
leave eth1 225.1.2.4
metrics
doctor
reload
END
# Reloads of the big file with one line changed each time: the reader, the comparison with the
# last load and the changed-line-first path get profiles (a cold first reload takes 0.2 s).
for n in 1 2 3 4 5 6; do
    sed -i "s/^\(mroute from eth0 source 10.0.0.9 group 225.5.1.$n\) to eth1\$/\1 to eth1 eth2/" "$dir/smcroute.conf"
    bin/smcroutectl -u "$dir/smcroute.sock" reload >/dev/null 2>&1
done
# the metrics over HTTP, once
if command -v bash >/dev/null; then
    bash -c 'exec 3<>/dev/tcp/127.0.0.1/9810 && printf "GET /metrics HTTP/1.1\r\n\r\n" >&3 && cat <&3' >/dev/null 2>&1
fi
kill -TERM $daemon
wait $daemon
rm -rf "$dir"
exit 0
