package com.drresponder.events;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds files that live at the repository root (events/, statemachines/) from a test, whatever
 * the working directory: Maven runs module tests from the module directory, an IDE often from the root.
 */
public final class RepositoryFiles {

    private static final Path MARKER = Path.of("events", "rules");

    private RepositoryFiles() {
    }

    /** The repository root: the nearest directory, from the working directory upwards, holding {@code events/rules}. */
    public static Path root() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(MARKER))) {
                return dir;
            }
        }
        throw new IllegalStateException("No directory containing " + MARKER + " above " + start);
    }

    /** A path relative to the repository root, e.g. {@code resolve("events/rules")}. */
    public static Path resolve(String relative) {
        return root().resolve(relative);
    }

    /** The UTF-8 text of a file given relative to the repository root. */
    public static String read(String relative) {
        try {
            return Files.readString(resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All {@code *.json} files under a directory given relative to the repository root, sorted. */
    public static List<Path> jsonFiles(String relativeDir) {
        try (Stream<Path> files = Files.walk(resolve(relativeDir))) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
