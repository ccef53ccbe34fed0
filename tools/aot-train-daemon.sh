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
cat > "$dir/smcroute.conf" <<END
phyint eth0 enable
mgroup from eth0 group 225.1.2.3
mroute from eth0 source 10.0.0.2 group 225.1.2.3 to eth1 eth2
mroute from eth0 group 225.3.0.0/16 to eth2
mroute from eth0 source fd00::2 group ff0e::114 to eth1 eth2
END
JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=$out" bin/smcrouted -n -f "$dir/smcroute.conf" \
    -u "$dir/smcroute.sock" -P "$dir/smcroute.pid" -l notice & daemon=$!
i=0
while [ ! -s "$dir/smcroute.pid" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
bin/smcroutectl -u "$dir/smcroute.sock" -b <<END
show
show interfaces
show groups
join eth1 225.1.2.4
add eth0 10.0.0.3 225.1.2.5 eth1
remove eth0 10.0.0.3 225.1.2.5
leave eth1 225.1.2.4
reload
END
kill -TERM $daemon
wait $daemon
rm -rf "$dir"
exit 0
