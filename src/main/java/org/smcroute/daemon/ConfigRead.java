package org.smcroute.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.smcroute.conf.ConfigReader;
import org.smcroute.conf.Directive;
import org.smcroute.conf.ReadResult;
import org.smcroute.log.Log;

/**
 * A configuration file read away from the state thread, which meanwhile keeps serving: reading
 * and parsing touch no daemon state, only the file system. What the reader logged is kept with
 * its level and replayed by the state thread in file order, between the lines it applies.
 *
 * @param marks  per directive, how many of {@code logged} come before it
 * @param prints the lines, for the next reload's comparison
 * @param first  the lines to apply before the others (see {@link LineChanges#first})
 */
record ConfigRead(ReadResult result, List<Directive> directives, List<Logged> logged, int[] marks,
        LineChanges.Prints prints, int[] first) {

    /** One message of the reader. */
    record Logged(int level, String text) {
    }

    /**
     * Reads {@code file}; {@code before} are the lines of the last load. Any thread. Messages
     * above {@code level} are not even made, except warnings, which a waiting client gets.
     */
    static ConfigRead of(String file, LineChanges.Prints before, int level) {
        List<Logged> logged = new ArrayList<>();
        Log log = new Log(Math.max(level, Log.WARNING), (lvl, text) -> logged.add(new Logged(lvl, text)));
        List<Directive> directives = new ArrayList<>();
        int[][] marks = {new int[64]};
        LineChanges.Recorder lines = new LineChanges.Recorder();
        ReadResult r = new ConfigReader(log).read(Path.of(file), d -> {
            int n = directives.size();
            if (n == marks[0].length) {
                marks[0] = Arrays.copyOf(marks[0], 2 * n);
            }
            marks[0][n] = logged.size();
            lines.add(d);
            return directives.add(d);
        });
        LineChanges.Prints prints = lines.prints();
        return new ConfigRead(r, directives, logged, Arrays.copyOf(marks[0], directives.size()), prints,
                LineChanges.first(before, prints));
    }
}
