package org.smcroute.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.smcroute.loop.ManualIo;

/** The proxy's timer queue: one loop timer, entries only for earlier deadlines, stale ones skipped. */
class DeadlinesTest {

    final ManualIo io = new ManualIo();
    final Deadlines deadlines = new Deadlines(io);
    final List<String> fired = new ArrayList<>();

    final class T extends Deadlines.Timed {
        final String name;
        long deadline;

        T(String name) {
            this.name = name;
        }

        @Override
        long deadline() {
            return deadline;
        }

        @Override
        void fire(long now) {
            fired.add(name + "@" + (now - start));
            deadline = 0;
        }
    }

    final long start = io.now();

    @Test
    void laterDeadlinesCostNothingAndEarlierOnesWin() {
        T a = new T("a");
        a.deadline = start + 1000;
        deadlines.update(a);
        for (int i = 0; i < 10_000; i++) {
            a.deadline = start + 2000 + i; // a report refreshing the timer
            deadlines.update(a);
        }
        assertThat(deadlines.size()).isEqualTo(1);
        assertThat(io.pending()).isEqualTo(1);
        io.advance(1000);
        assertThat(fired).isEmpty(); // not due yet: queued again at its real deadline
        io.advance(11_000);
        assertThat(fired).containsExactly("a@11999");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void anEarlierDeadlineRearmsAndTheLeftoverEntryIsDropped() {
        T a = new T("a");
        T b = new T("b");
        a.deadline = start + 5000;
        b.deadline = start + 3000;
        deadlines.update(a);
        deadlines.update(b);
        a.deadline = start + 1000;
        deadlines.update(a);
        io.advance(10_000);
        assertThat(fired).containsExactly("a@1000", "b@3000");
        assertThat(deadlines.size()).isZero();
        assertThat(io.pending()).isZero();
    }

    @Test
    void aDeadlineThatDoesNotMoveOnIsNotQueuedAgain() {
        Deadlines.Timed stuck = new Deadlines.Timed() {
            @Override
            long deadline() {
                return start + 100;
            }

            @Override
            void fire(long now) {
                fired.add("stuck@" + (now - start));
            }
        };
        deadlines.update(stuck);
        io.advance(1000); // returns: no busy loop on a deadline that stays in the past
        assertThat(fired).containsExactly("stuck@100");
        assertThat(deadlines.size()).isZero();
    }

    @Test
    void clearForgetsEverything() {
        T a = new T("a");
        a.deadline = start + 100;
        deadlines.update(a);
        deadlines.clear();
        io.advance(1000);
        assertThat(fired).isEmpty();
        deadlines.update(a);
        io.advance(1000);
        assertThat(fired).hasSize(1);
    }
}
