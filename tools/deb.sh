#!/bin/sh
# Turn the staging tree of `make deb` (a `make install` with Debian's paths) into the binary
# package OUTDIR/smcroute-java_VERSION_ARCH.deb: compressed manual pages and changelog, the
# copyright file, the lintian overrides, then DEBIAN/ (control, conffiles, md5sums and the
# maintainer scripts of etc/debian), packed by dpkg-deb. See doc/packaging.md.
# Usage: tools/deb.sh STAGE OUTDIR   (from the project root)
set -eu
stage=$1 out=$2
pkg=smcroute-java
lib=usr/lib/smcroute
doc=usr/share/doc/$pkg

# The project's version, as `smcrouted -v` prints it (the pom's project version).
version=$(sed -n '/<artifactId>smcroute<\/artifactId>/{n;s/.*<version>\(.*\)<\/version>.*/\1/p;q;}' pom.xml)
[ -n "$version" ] || { echo "deb: no project version in pom.xml" >&2; exit 1; }
arch=$(dpkg --print-architecture)
# Maintainer and date of the changelog entry: DEB_MAINTAINER, else the git identity of the
# builder, else the author of the commit built; the commit's date keeps rebuilds identical.
maint=${DEB_MAINTAINER:-}
if [ -z "$maint" ] && name=$(git config user.name) && mail=$(git config user.email); then
    maint="$name <$mail>"
fi
[ -n "$maint" ] || maint=$(git log -1 --format='%an <%ae>' 2>/dev/null) || true
[ -n "$maint" ] || { echo "deb: set DEB_MAINTAINER='Name <address>'" >&2; exit 1; }
commit=$(git rev-parse --short HEAD 2>/dev/null) || commit=unknown
date=$(git log -1 --format=%cD 2>/dev/null) || date=$(date -R)

# Debian policy wants ELF files stripped of their symbol tables (the JVM resolves its own symbols
# through the dynamic table, and the AOT caches do not depend on these bytes) and every file
# writable by its owner (jlink makes the runtime's legal notices read-only).
chmod -R u+w "$stage"
elves=$(find "$stage/$lib/runtime" -type f | while read -r f; do
    if [ "$(od -An -N4 -tx1 "$f" | tr -d ' ')" = 7f454c46 ]; then echo "$PWD/$f"; fi
done)
# shellcheck disable=SC2086 # one argument per file; the paths have no blanks
strip --strip-unneeded --remove-section=.comment --remove-section=.note $elves

# Manual pages and the changelog are compressed, as Debian policy wants; -n leaves out the name
# and time, so the bytes depend on the content only.
find "$stage/usr/share/man" -type f ! -name '*.gz' -exec gzip -9nf {} +
printf '%s (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
    "$pkg" "$version" "$commit" "$maint" "$date" | gzip -9n > "$stage/$doc/changelog.Debian.gz"
install -m 0644 etc/debian/copyright "$stage/$doc/copyright"
install -d "$stage/usr/share/lintian/overrides"
install -m 0644 etc/debian/lintian-overrides "$stage/usr/share/lintian/overrides/$pkg"

# Shared libraries the runtime's ELF files need from the system (in practice libc6), with the
# versions they need, as dpkg-shlibdeps works them out; the runtime's own libraries are private.
shl=$(mktemp -d)
trap 'rm -rf "$shl"' EXIT
mkdir "$shl/debian"
printf 'Source: %s\n\nPackage: %s\nArchitecture: any\n' "$pkg" "$pkg" > "$shl/debian/control"
# shellcheck disable=SC2086 # one argument per file; the paths have no blanks
depends=$(cd "$shl" && dpkg-shlibdeps -O -l"$OLDPWD/$stage/$lib/runtime/lib" \
    -l"$OLDPWD/$stage/$lib/runtime/lib/server" $elves 2>"$shl/log" | sed -n 's/^shlibs:Depends=//p') \
    || { cat "$shl/log" >&2; exit 1; }
[ -n "$depends" ] || { cat "$shl/log" >&2; echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

install -d -m 0755 "$stage/DEBIAN"
install -m 0755 etc/debian/postinst etc/debian/prerm etc/debian/postrm "$stage/DEBIAN/"
printf '/etc/smcroute.conf\n/etc/default/smcroute\n' > "$stage/DEBIAN/conffiles"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort \
    | grep -vxF -e etc/smcroute.conf -e etc/default/smcroute | xargs md5sum) > "$stage/DEBIAN/md5sums"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<END
Package: $pkg
Version: $version
Architecture: $arch
Maintainer: $maint
Installed-Size: $size
Depends: $depends
Provides: smcroute (= $version)
Conflicts: smcroute
Replaces: smcroute
Section: net
Priority: optional
Description: static multicast routing daemon and client (Java implementation)
 smcrouted maintains static multicast routes in the Linux kernel: routes for
 one source and group, and templates for a group from any source that it
 installs per source as traffic arrives. It also joins multicast groups on
 behalf of the hosts behind it. smcroutectl adds and removes routes and joins
 at run time and shows what the daemon and the kernel hold.
 .
 This is smcroute for Java, a drop-in replacement for SMCRoute 2.6: the same
 options, configuration language, show output, exit codes and control
 protocol, so existing configurations, scripts and the original client keep
 working. It carries its own trimmed Java 25 runtime with start-up caches made
 at build time, and needs no other Java installation.
END
# Owner root without fakeroot. Modification times stay as built, not clamped to one date: each
# launcher uses its AOT cache only while the cache is newer than the jar. gzip -6 packs the
# 95 MB in about 3 s (27 MB); xz makes 19 MB of it but takes about 50 s, so it is a choice:
# DEB_COMPRESS=-Zxz.
mkdir -p "$out"
# shellcheck disable=SC2086 # dpkg-deb options, split on purpose
env -u SOURCE_DATE_EPOCH dpkg-deb --root-owner-group ${DEB_COMPRESS:--Zgzip -z6} \
    --build "$stage" "$out/${pkg}_${version}_$arch.deb"
