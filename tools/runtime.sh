#!/bin/sh
# Build the jlink runtime the launchers prefer to the JDK, which starts both programs faster and
# keeps the daemon smaller: java.base (client) plus jdk.unsupported (the daemon's
# sun.misc.Signal), as jdeps reports for smcroute.jar. One runtime serves both: a java.base-only
# client runtime is no faster, and a second image would double the size and the jlink time.
#   - --generate-cds-archive: the default CDS archive, used by anything run without our AOT caches;
#     classes_nocoops.jsa is only for heaps over 32 GB, so it is dropped.
#   - no --compress: it slows start-up.
#   - conf/security/java.security loses its comments with every property, value
#     and order unchanged: the client's first SocketChannel.open(UNIX) initialises
#     sun.nio.ch.UnixDomainSockets, whose SecureRandom makes java.security.Security parse the
#     whole file in the interpreter. tools/SameProperties.java checks they are equal.
# Usage: tools/runtime.sh JDK_HOME OUT   (writes OUT.tmp first, so OUT is complete or absent)
set -eu
jdk=$1 out=$2
rm -rf "$out" "$out.tmp"
"$jdk/bin/jlink" --add-modules java.base,jdk.unsupported --strip-debug --no-man-pages \
    --no-header-files --generate-cds-archive --output "$out.tmp"
rm -f "$out.tmp/lib/server/classes_nocoops.jsa"
sec=$out.tmp/conf/security/java.security
# Drop comment and blank lines, never a line that continues a value (odd number of trailing
# backslashes on the line before), as java.util.Properties reads them.
awk '
    cont { print; cont = match($0, /\\+$/) && RLENGTH % 2 == 1; next }
    /^[ \t\f]*([#!]|$)/ { next }
    { print; cont = match($0, /\\+$/) && RLENGTH % 2 == 1 }
' "$jdk/conf/security/java.security" > "$sec.new"
# java.util.Properties itself must read the same properties from both before the swap.
if "$jdk/bin/java" "$(dirname "$0")/SameProperties.java" "$sec" "$sec.new"; then
    mv "$sec.new" "$sec"
else
    echo "runtime: java.security kept as is (the stripped copy differs)" >&2
    rm -f "$sec.new"
fi
# The client's first SocketChannel also asks ServiceLoader for a SelectorProvider, which scans
# the class path and opens the jimage reader. The public system property
# java.nio.channels.spi.SelectorProvider names the provider directly; the name is the JDK's own
# default on Linux, so it is only offered (lib/smcroutectl.options, read by bin/smcroutectl) when
# this image has that class.
if "$jdk/bin/jimage" list "$out.tmp/lib/modules" | grep -q 'sun/nio/ch/EPollSelectorProvider.class'; then
    echo "-Djava.nio.channels.spi.SelectorProvider=sun.nio.ch.EPollSelectorProvider" \
        > "$out.tmp/lib/smcroutectl.options"
fi
# The daemon compiles what its AOT cache's training run compiled as soon as it is first called
# (JEP 515 profiles), instead of interpreting it until it is hot: the first configuration load
# and the first source storm after a start then run compiled code sooner, for a little more RSS
# in the first seconds (doc/benchmarks.md). The flag is experimental, so it is
# only offered (lib/smcrouted.options, read by bin/smcrouted) for this image, and only if its
# java accepts it.
if "$out.tmp/bin/java" -XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly -version >/dev/null 2>&1; then
    echo "-XX:+UnlockExperimentalVMOptions -XX:+AOTCompileEagerly" > "$out.tmp/lib/smcrouted.options"
fi
mv "$out.tmp" "$out"
