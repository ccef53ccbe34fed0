#!/bin/sh
# Build the client AOT cache (JAVA-NOTES §3.2) with one training run of the real launcher, so the
# cache is made with exactly the flags the launcher uses. The client talks to a canned stand-in
# daemon (tools/AotTrainServer.java) in batch mode, covering option parsing, request encoding,
# connecting, reply decoding and show rendering in one JVM. Any failure here only means no
# cache, which costs start-up speed, never correctness.
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
help
END
if [ -f "$out" ]; then
    echo "aot-train: client AOT cache $out ($(du -h "$out" | cut -f1))"
else
    echo "aot-train: WARNING: no AOT cache built (see target/aot-train.log); smcroutectl will start slower" >&2
fi
exit 0
