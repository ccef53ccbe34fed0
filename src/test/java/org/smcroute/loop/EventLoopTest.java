package org.smcroute.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.smcroute.log.Log;

/** The posted-task queue: work that re-posts itself yields to I/O and to a stop between turns. */
class EventLoopTest {

    @Test
    void aSelfRepostingTaskDoesNotStarveAStopPostedBehindIt() throws Exception {
        EventLoop loop = new EventLoop(new Log(Log.DEBUG, (l, m) -> { }));
        AtomicInteger turns = new AtomicInteger();
        Runnable[] slice = new Runnable[1];
        slice[0] = () -> {
            if (turns.incrementAndGet() == 3) {
                loop.post(loop::stop); // a SIGTERM arriving mid-reload
            }
            loop.post(slice[0]);      // endless work, one slice per turn
        };
        loop.post(slice[0]);
        assertTimeoutPreemptively(Duration.ofSeconds(10), loop::run);
        // the stop ran in the turn after it was posted, before the slice queued behind it
        assertThat(turns.get()).isEqualTo(3);
        loop.close();
    }

    @Test
    void descriptorsAreServedBetweenSlices() throws Exception {
        EventLoop loop = new EventLoop(new Log(Log.DEBUG, (l, m) -> { }));
        AtomicInteger turns = new AtomicInteger();
        AtomicInteger timerAt = new AtomicInteger(-1);
        loop.schedule(0, () -> timerAt.set(turns.get()));
        Runnable[] slice = new Runnable[1];
        slice[0] = () -> {
            if (turns.incrementAndGet() < 5) {
                loop.post(slice[0]);
            } else {
                loop.stop();
            }
        };
        loop.post(slice[0]);
        assertTimeoutPreemptively(Duration.ofSeconds(10), loop::run);
        assertThat(timerAt.get()).isBetween(1, 2); // ran between slices, not after all five
        loop.close();
    }
}
