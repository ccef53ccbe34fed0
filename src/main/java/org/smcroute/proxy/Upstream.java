package org.smcroute.proxy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.smcroute.group.JoinPool;
import org.smcroute.kernel.Errno;
import org.smcroute.kernel.Family;
import org.smcroute.kernel.Kernel;
import org.smcroute.kernel.KernelException;
import org.smcroute.log.Log;
import org.smcroute.net.Addr;

/**
 * The host side of the proxy on its upstream interface (RFC 4605 section 4.1): for every group
 * some downstream link wants, one socket membership whose source filter is the merge of the
 * downstream filters, so the kernel reports it and answers the upstream router's queries.
 * Memberships are pooled over sockets like {@code mgroup} joins, and only changes reach the
 * kernel. A filter with more sources than the kernel takes per socket falls back to all sources.
 */
final class Upstream {

    /** One group joined upstream: the socket holding it and the filter the kernel has. */
    private static final class Joined {
        final JoinPool.Socket socket;
        Filter filter;

        Joined(JoinPool.Socket socket) {
            this.socket = socket;
        }
    }

    final String ifname;
    final Family family;
    private int ifindex;
    private final JoinPool pool;
    private final Log log;
    private final Map<Addr, Filter> wanted = new LinkedHashMap<>();
    private final Map<Addr, Joined> joined = new LinkedHashMap<>();

    Upstream(String ifname, Family family, int ifindex, Kernel kernel, Log log) {
        this.ifname = ifname;
        this.family = family;
        this.ifindex = ifindex;
        this.log = log;
        this.pool = new JoinPool(kernel, family, log);
    }

    /** The merged filters the downstream links ask for, in join order. */
    Map<Addr, Filter> wanted() {
        return wanted;
    }

    /** What the kernel holds for {@code group}: the wanted filter, or ANY after a fallback; null when not joined. */
    Filter joined(Addr group) {
        Joined j = joined.get(group);
        return j == null ? null : j.filter;
    }

    /** Sets what the downstream links want of {@code group}; null leaves it. */
    void want(Addr group, Filter f) {
        if (f == null) {
            wanted.remove(group);
        } else {
            wanted.put(group, f);
        }
        if (ifindex > 0) {
            apply(group, f);
        }
    }

    private void apply(Addr group, Filter f) {
        Joined j = joined.get(group);
        if (f == null) {
            if (j != null) {
                joined.remove(group);
                pool.leave(j.socket, ifindex, null, group);
            }
            return;
        }
        if (j != null && f.equals(j.filter)) {
            return;
        }
        try {
            if (j == null) {
                // INCLUDE joins with a source, so the kernel never reports the group as ASM meanwhile
                JoinPool.Socket s = pool.join(ifindex, f.exclude() ? null : f.sources().iterator().next(), group);
                if (s == null) {
                    log.warn("proxy: " + group + " already joined on " + ifname);
                    return;
                }
                j = new Joined(s);
                joined.put(group, j);
                j.filter = f.exclude() ? Filter.ANY : new Filter(false, Set.of(f.sources().iterator().next()));
            }
            if (!f.equals(j.filter)) {
                setFilter(j, group, f);
            }
        } catch (KernelException e) {
            log.warn("proxy: failed joining " + group + " on " + ifname + ": " + e.reason());
        }
    }

    private void setFilter(Joined j, Addr group, Filter f) throws KernelException {
        try {
            pool.setFilter(j.socket, ifindex, group, f.exclude(), new ArrayList<>(f.sources()));
            j.filter = f;
        } catch (KernelException e) {
            if (e.errno() != Errno.ENOBUFS) {
                throw e;
            }
            log.debug("proxy: " + f.sources().size() + " sources of " + group + " are more than a filter holds, joining all");
            if (!Filter.ANY.equals(j.filter)) {
                pool.setFilter(j.socket, ifindex, group, true, List.of());
                j.filter = Filter.ANY;
            }
        }
    }

    /** The interface went away: its memberships went with it; they are made again on its return. */
    void suspend() {
        joined.clear();
        pool.closeAll();
        ifindex = 0;
    }

    /**
     * The interface is there (again), maybe with a new ifindex: every wanted group is joined on
     * it. Returns whether anything had to be done.
     */
    boolean resume(int index) {
        if (index == ifindex) {
            return false;
        }
        if (ifindex > 0) {
            suspend();
        }
        ifindex = index;
        for (Map.Entry<Addr, Filter> e : new ArrayList<>(wanted.entrySet())) {
            apply(e.getKey(), e.getValue());
        }
        return true;
    }

    /** Leaves everything (the interface stopped being upstream, or shutdown). */
    void close() {
        pool.closeAll();
        joined.clear();
        wanted.clear();
    }
}
