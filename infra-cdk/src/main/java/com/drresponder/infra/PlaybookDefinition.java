package com.drresponder.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * One playbook's Amazon States Language, read from {@code statemachines/<name>.asl.json}.
 *
 * @param name       the playbook name (file name without {@code .asl.json}), e.g. {@code rollback-lambda-alias}
 * @param file       where it was read from
 * @param definition the raw ASL text, substitutions {@code ${Name}} still in place
 */
public record PlaybookDefinition(String name, Path file, String definition) {
    public static final String SUFFIX = ".asl.json";

    /** Every {@code *.asl.json} in {@code dir}, sorted by name; empty when the directory does not exist (yet). */
    public static List<PlaybookDefinition> loadAll(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .map(PlaybookDefinition::load)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list state machines in " + dir, e);
        }
    }

    public static PlaybookDefinition load(Path file) {
        String fileName = file.getFileName().toString();
        try {
            return new PlaybookDefinition(fileName.substring(0, fileName.length() - SUFFIX.length()), file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state machine definition " + file, e);
        }
    }

    /** {@code rollback-lambda-alias} -> {@code RollbackLambdaAlias}: construct ids and output names. */
    public String pascalName() { return Names.pascal(name); }
}
