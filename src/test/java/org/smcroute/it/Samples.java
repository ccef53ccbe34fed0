package org.smcroute.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics in the Prometheus text format as the tests read them: every text is first checked by
 * {@code promtool check metrics} (Prometheus's own parser and linter, from Debian's
 * {@code prometheus} package), then its samples are mapped as {@code name{labels}} to value.
 */
final class Samples {

    private Samples() {
    }

    /** Runs promtool on {@code text}; fails with its complaints unless it accepts it silently. */
    static void promtool(String text) {
        String tool = Files.isExecutable(Path.of("/usr/bin/promtool")) ? "/usr/bin/promtool" : "promtool";
        Exec.Result r;
        try {
            r = Exec.run(Duration.ofSeconds(60), text, List.of(tool, "check", "metrics"));
        } catch (RuntimeException e) {
            throw new AssertionError("promtool is needed (Debian package prometheus, installed by .ci/run): " + e, e);
        }
        assertThat(r.exit()).as("promtool check metrics: %s", r).isZero();
        assertThat(r.out() + r.err()).as("promtool lint").isBlank();
    }

    /** {@code name{labels}} (as written) to value, after {@link #promtool}. */
    static Map<String, Long> parse(String text) {
        promtool(text);
        return values(text);
    }

    /** {@code name{labels}} (as written) to value, without the promtool check (for polling). */
    static Map<String, Long> values(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int sp = line.lastIndexOf(' ');
            String value = line.substring(sp + 1);
            int dot = value.indexOf('.');
            m.put(line.substring(0, sp), Long.parseLong(dot < 0 ? value : value.substring(0, dot)));
        }
        return m;
    }

    static String route(String family, String iif, String source, String group) {
        return "smcroute_route_" + family + "_total{iif=\"" + iif + "\",source=\"" + source + "\",group=\"" + group + "\"}";
    }

    static String vif(String family, String iface, boolean v6) {
        return "smcroute_vif_" + family + "_total{iface=\"" + iface + "\",family=\"" + (v6 ? "ipv6" : "ipv4") + "\"}";
    }
}
