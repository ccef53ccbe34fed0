#!/bin/sh
# Demo of multicast routing between network namespaces (run by `make demo`, needs root).
# Placeholder: the daemon (org.smcroute.daemon.Main) does not exist yet; its author fills this in.
echo "demo: not available yet: it needs the daemon (smcrouted), which is still being written." >&2
exit 1
