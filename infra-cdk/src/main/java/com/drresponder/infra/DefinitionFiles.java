package com.drresponder.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The definition files of one kind in a directory (statemachines/, events/rules/). */
final class DefinitionFiles {
    private DefinitionFiles() {
    }

    /** Every file in {@code dir} whose name ends with {@code suffix}, sorted by name; empty when the directory does not exist (yet). */
    static List<Path> list(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list *" + suffix + " in " + dir, e);
        }
    }
}
