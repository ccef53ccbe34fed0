#!/bin/bash
# Test of the bash completions (run by `make check`, and by the Debian package test on the
# installed files): calls the completion functions the way bash does, with COMP_WORDS and
# COMP_CWORD set, and compares COMPREPLY with what each case must offer.
#
#   src/test/sh/completion-test.sh [COMPLETIONS_DIR SMCROUTECTL SMCROUTED]
#
# Defaults: etc/bash-completion and the launchers in bin/. As root, the interface names are
# checked against a real daemon: it runs in a namespace of its own (smcr-PID-comp-*) with
# interfaces dmn0 and dmn1, while the completion runs in a private namespace whose only
# interfaces are lo, sys0 and sys1; so the names offered tell which source was used.
set -u
cd "$(dirname "$0")/../../.."
dir=${1:-etc/bash-completion}
ctl=${2:-$PWD/bin/smcroutectl}
daemon=${3:-$PWD/bin/smcrouted}

if [ "$(id -u)" -eq 0 ] && [ -z "${SMCR_COMPLETION_NETNS:-}" ] && unshare -n true 2>/dev/null; then
    SMCR_COMPLETION_NETNS=1 exec unshare -n -- "$0" "$dir" "$ctl" "$daemon"
fi

# shellcheck source=/dev/null
. "$dir/smcroutectl"
# shellcheck source=/dev/null
. "$dir/smcrouted"

failed=0 count=0
# comp FUNCTION WORD... : the words of the command line up to the cursor, the last one being the
# word under the cursor ("" after a blank). Prints the offers, sorted, on one line.
comp() {
    local fn=$1
    shift
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"
    COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    "$fn"
    printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'
}
# expect "WANTED OFFERS" FUNCTION WORD...
expect() {
    local want=$1 got
    shift
    got=$(comp "$@")
    count=$((count + 1))
    if [ "$got" != "$want" ]; then
        failed=$((failed + 1))
        printf 'FAIL: %s\n  offered:  [%s]\n  expected: [%s]\n' "$*" "$got" "$want" >&2
    fi
}
sorted() { printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//'; }

c=_smcroutectl
all="add del doctor flush help join kill leave metrics monitor reload remove restart show version"
expect "$all" $c "$ctl" ""
expect "reload remove restart" $c "$ctl" re
expect "restart" $c "$ctl" res
expect "-I -b -d -h -i -j -p -t -u -v" $c "$ctl" -
# A command word is read as the client reads it: s is show, r reload, rem remove, d del.
expect "groups interfaces pending proxy routes" $c "$ctl" s ""
expect "interfaces" $c "$ctl" sh i
expect "pending proxy" $c "$ctl" -d -i mrt1 showfoo p
expect "proxy" $c "$ctl" show pr
expect "groups" $c "$ctl" -j show g
expect "" $c "$ctl" show routes ""
expect "-I -b -d -h -i -j -p -t -u -v" $c "$ctl" show -
expect "join" $c "$ctl" help j
expect "" $c "$ctl" r ""
expect "" $c "$ctl" kill ""
expect "" $c "$ctl" bogus ""
# this implementation's commands come last in the table: m is metrics, d still del
expect "metrics monitor" $c "$ctl" m
expect "monitor" $c "$ctl" mo
expect "del doctor" $c "$ctl" d
expect "" $c "$ctl" metrics ""
expect "" $c "$ctl" doctor ""

# Interface names. Without a daemon on the given socket: the system's.
tmp=$(mktemp -d /tmp/smcr-completion.XXXXXX)
ns= pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    [ -n "$ns" ] && ip netns del "$ns" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
if [ -n "${SMCR_COMPLETION_NETNS:-}" ]; then
    ip link set lo up
    ip link add sys0 type veth peer name sys1
fi
system=$(sorted $(awk -F: 'NR > 2 { gsub(/[ \t]/, ""); print $1 }' /proc/net/dev))
nodaemon=(-u "$tmp/none.sock")
expect "$system" $c "$ctl" "${nodaemon[@]}" add ""
expect "$system" $c "$ctl" "${nodaemon[@]}" join ""
expect "" $c "$ctl" "${nodaemon[@]}" join lo 225.1.2.3 ""
expect "" $c "$ctl" "${nodaemon[@]}" add lo 10.0.0.1 ""
expect "$system" $c "$ctl" "${nodaemon[@]}" a lo 10.0.0.1 225.1.2.3 ""
expect "$system" $c "$ctl" "${nodaemon[@]}" rem lo ff0e::1/120 ""
expect "$system" $c "$ctl" "${nodaemon[@]}" d lo 10.0.0.1 239.255.0.1 lo ""
# bash splits words at ":" too; an IPv6 group must still be seen as one.
COMP_WORDS=("$ctl" "${nodaemon[@]}" add lo fd00 :: 1 ff0e :: 1 "") COMP_CWORD=11
COMP_LINE="$ctl ${nodaemon[*]} add lo fd00::1 ff0e::1 " COMP_POINT=${#COMP_LINE}
$c
count=$((count + 1))
[ "$(sorted "${COMPREPLY[@]}")" = "$system" ] \
    || { failed=$((failed + 1)); echo "FAIL: IPv6 words split at ':' offered [${COMPREPLY[*]}]" >&2; }

# With a daemon: the names it shows.
if [ -n "${SMCR_COMPLETION_NETNS:-}" ]; then
    ns=smcr-$$-comp-dmn
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    ip -n "$ns" link add dmn0 type veth peer name dmn1
    ip -n "$ns" link set dmn0 up
    ip -n "$ns" link set dmn1 up
    echo 'mroute from dmn0 group 225.1.2.3 to dmn1' > "$tmp/smcroute.conf"
    ip netns exec "$ns" "$daemon" -n -l none -f "$tmp/smcroute.conf" -u "$tmp/smcroute.sock" \
        -P "$tmp/smcroute.pid" </dev/null >"$tmp/daemon.log" 2>&1 &
    pid=$!
    i=0
    until [ -s "$tmp/smcroute.pid" ] || [ $i -ge 200 ] || ! kill -0 "$pid" 2>/dev/null; do
        sleep 0.05; i=$((i + 1))
    done
    if [ -s "$tmp/smcroute.pid" ]; then
        expect "dmn0 dmn1 lo" $c "$ctl" -u "$tmp/smcroute.sock" add ""
        expect "dmn0 dmn1" $c "$ctl" -u "$tmp/smcroute.sock" add dmn0 225.1.2.3 d
        expect "dmn1" $c "$ctl" -p -u"$tmp/smcroute.sock" remove dmn0 10.0.0.1 225.1.2.3 dmn1
        expect "dmn0 dmn1 lo" $c "$ctl" leave -u "$tmp/smcroute.sock" ""
        expect "dmn0 dmn1 lo" $c "$ctl" -tpu "$tmp/smcroute.sock" join ""
    else
        failed=$((failed + 1))
        echo "FAIL: the daemon did not start:" >&2
        cat "$tmp/daemon.log" >&2
    fi
fi

c=_smcrouted
expect "--cache-limit --metrics-listen --range-limit --syntax-only -F -I -N -P -c -d -e -f -h -i -l -m -n -p -s -t -u -v" $c "$daemon" -
expect "--cache-limit" $c "$daemon" -n --c
expect "--syntax-only" $c "$daemon" -F x.conf --s
expect "--metrics-listen" $c "$daemon" --m
expect "" $c "$daemon" --metrics-listen ""
expect "none notice" $c "$daemon" -l n
expect "debug err info none notice" $c "$daemon" -n -l ""
expect "" $c "$daemon" -c ""
mkdir "$tmp/files" "$tmp/files/sub"
touch "$tmp/files/a.conf" "$tmp/files/run.sh"
chmod +x "$tmp/files/run.sh"
expect "$tmp/files/a.conf $tmp/files/run.sh $tmp/files/sub" $c "$daemon" -f "$tmp/files/"
expect "$tmp/files/a.conf" $c "$daemon" -F "$tmp/files/a"
expect "$tmp/files/run.sh $tmp/files/sub" $c "$daemon" -e "$tmp/files/"
expect "$tmp/files/a.conf $tmp/files/run.sh $tmp/files/sub" _smcroutectl "$ctl" -du "$tmp/files/"
expect "" _smcroutectl "$ctl" -pI ""
expect "root" $c "$daemon" -p roo
expect "root" $c "$daemon" -p root : ro
expect "$(sorted $(compgen -g))" $c "$daemon" -p root :

if [ $failed -ne 0 ]; then
    echo "completion-test: $failed of $count cases failed ($dir)" >&2
    exit 1
fi
echo "completion-test: $count cases passed ($dir)"
