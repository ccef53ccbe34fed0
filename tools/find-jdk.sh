#!/bin/sh
# Print the home of a JDK >= 25 (with javac, for the build): $JAVA_HOME if it is one,
# else the first /usr/lib/jvm/*25*. The caller's JAVA_HOME is never trusted blindly,
# because the default java on many hosts is older. Exit 1 with a clear message if none.
major() {  # major version from a JDK's "release" file, 0 if unknown
    v=0
    [ -r "$1/release" ] || { echo 0; return; }
    while IFS='"' read -r k val _; do
        [ "$k" = JAVA_VERSION= ] && v=${val%%[!0-9]*}
    done < "$1/release"
    echo "${v:-0}"
}
for home in "${JAVA_HOME:-}" /usr/lib/jvm/*25*; do
    [ -n "$home" ] && [ -x "$home/bin/javac" ] || continue
    [ "$(major "$home")" -ge 25 ] && { echo "$home"; exit 0; }
done
echo "JDK 25 not found: install temurin-25-jdk or openjdk-25-jdk (or set JAVA_HOME to a JDK >= 25)" >&2
exit 1
