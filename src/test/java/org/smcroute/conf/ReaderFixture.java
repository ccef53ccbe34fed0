package org.smcroute.conf;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.smcroute.log.Log;

/** Test helper: a reader with an in-memory log and a recording handler. */
final class ReaderFixture {

    record Msg(int level, String text) {
    }

    final List<Msg> messages = new ArrayList<>();
    final List<Directive> seen = new ArrayList<>();
    final Log log = new Log(Log.DEBUG, (lvl, m) -> messages.add(new Msg(lvl, m)));
    final ConfigReader reader = new ConfigReader(log);
    Predicate<Directive> verdict = d -> true;

    ReadResult read(Path file) {
        return reader.read(file, d -> {
            seen.add(d);
            return verdict.test(d);
        });
    }

    List<String> at(int level) {
        return messages.stream().filter(m -> m.level() == level).map(Msg::text).toList();
    }

    List<String> warnings() {
        return at(Log.WARNING);
    }

    List<String> debug() {
        return at(Log.DEBUG);
    }

    static Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, text.getBytes(StandardCharsets.UTF_8));
    }
}
