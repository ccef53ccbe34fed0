package org.smcroute.kernel;

/**
 * Per-VIF/MIF kernel counters (SIOCGETVIFCNT, SIOCGETMIFCNT_IN6), the figures of
 * {@code /proc/net/ip_mr_vif} for any table; null from {@link RoutingSocket#vifCounters} when
 * the slot has no kernel VIF/MIF.
 */
public record VifCounters(long packetsIn, long packetsOut, long bytesIn, long bytesOut) {
}
