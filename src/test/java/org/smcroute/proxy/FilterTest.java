package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.smcroute.net.Addr;

/** The merge of RFC 3376 section 3.2 that RFC 4605 section 4.1 applies to the upstream interface. */
class FilterTest {

    static final Addr S1 = Addr.parse("10.0.0.1");
    static final Addr S2 = Addr.parse("10.0.0.2");
    static final Addr S3 = Addr.parse("10.0.0.3");

    static Filter in(Addr... s) {
        return new Filter(false, Set.of(s));
    }

    static Filter ex(Addr... s) {
        return new Filter(true, Set.of(s));
    }

    @Test
    void includesUniteAndAnyExcludeWins() {
        assertThat(Filter.merge(List.of())).isNull();
        assertThat(Filter.merge(List.of(in(S1), in(S2)))).isEqualTo(in(S1, S2));
        assertThat(Filter.merge(List.of(in(S1), Filter.ANY))).isEqualTo(Filter.ANY);
        // excluded only where every EXCLUDE excludes it and no INCLUDE asks for it
        assertThat(Filter.merge(List.of(ex(S1, S2), ex(S2, S3)))).isEqualTo(ex(S2));
        assertThat(Filter.merge(List.of(ex(S1, S2), ex(S2, S3), in(S2)))).isEqualTo(ex());
        assertThat(Filter.merge(List.of(ex(S1, S2), in(S1)))).isEqualTo(ex(S2));
    }

    @Test
    void forwardsFollowsTheMode() {
        assertThat(in(S1).forwards(S1)).isTrue();
        assertThat(in(S1).forwards(S2)).isFalse();
        assertThat(ex(S1).forwards(S1)).isFalse();
        assertThat(ex(S1).forwards(S2)).isTrue();
    }
}
