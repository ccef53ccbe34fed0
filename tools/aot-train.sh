#!/bin/sh
# Build the AOT caches (JEP 483/514/515) with one training run of each real launcher, so every
# cache is made with exactly the runtime and flags its launcher uses (the launchers prefer
# target/runtime, see tools/runtime.sh). Any failure here only means no cache, which costs
# start-up speed, never correctness.
#  - client: talks to a canned stand-in daemon (tools/AotTrainServer.java) in batch mode,
#    covering option parsing, request encoding, connecting, reply decoding, show rendering and
#    the streamed replies of metrics, doctor and monitor.
#  - daemon: runs in a private network namespace (unshare -n, or unshare -rn without root; never
#    in the host's), loads a small configuration, answers the client, and is stopped by SIGTERM;
#    the JVM writes the cache as it exits.
# Usage: tools/aot-train.sh JDK_HOME   (run from the project root, after mvn package)
jdk=$1
out=target/smcroutectl.aot
sock=target/aot-train.sock
rm -f "$out"
"$jdk/bin/java" tools/AotTrainServer.java "$sock" & server=$!
trap 'kill $server 2>/dev/null; rm -f "$sock"' EXIT
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
JAVA_HOME=$jdk JDK_JAVA_OPTIONS="-XX:AOTCacheOutput=$out" bin/smcroutectl -u "$sock" -b >/dev/null 2>target/aot-train.log <<END
show
show interfaces
show groups
join eth0 225.1.2.3
add eth0 10.0.0.1 225.1.2.3 eth1 eth2
remove eth0 10.0.0.1 225.1.2.3
leave eth0 225.1.2.3
metrics
doctor
monitor
help
END
if [ -f "$out" ]; then
    echo "aot-train: client AOT cache $out ($(du -h "$out" | cut -f1))"
else
    echo "aot-train: WARNING: no AOT cache built (see target/aot-train.log); smcroutectl will start slower" >&2
fi

dout=target/smcrouted.aot
rm -f "$dout"
if [ "$(id -u)" -eq 0 ]; then ns="unshare -n"; else ns="unshare -rn"; fi
if $ns true 2>/dev/null; then
    JAVA_HOME=$jdk $ns sh tools/aot-train-daemon.sh "$dout" >target/aot-train-daemon.log 2>&1
fi
if [ -f "$dout" ]; then
    echo "aot-train: daemon AOT cache $dout ($(du -h "$dout" | cut -f1))"
else
    echo "aot-train: WARNING: no daemon AOT cache built (needs a network namespace: root or unshare -rn; see target/aot-train-daemon.log); smcrouted will start slower" >&2
fi
exit 0
