package com.drresponder.infra;

import com.drresponder.catalog.DeployableAsl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One of {@code Catalog.RESPONDER}'s playbooks' Amazon States Language, read from {@code statemachines/<name>.asl.json}
 * (tests: the ASL house rules).
 *
 * @param name       the playbook name (file name without {@code .asl.json}), e.g. {@code rollback-lambda-alias}
 * @param file       where it was read from
 * @param definition the ASL text with its top-level {@code TimeoutSeconds} ({@link DeployableAsl}), substitutions
 *                   {@code ${Name}} still in place
 * @param timeoutSeconds the state machine's {@code TimeoutSeconds}
 */
public record PlaybookDefinition(String name, Path file, String definition, int timeoutSeconds) {
    public static final String SUFFIX = ".asl.json";

    /** Every {@code *.asl.json} in {@code dir}, sorted by name; empty when the directory does not exist (yet). */
    public static List<PlaybookDefinition> loadAll(Path dir) {
        return DefinitionFiles.list(dir, SUFFIX).stream().map(PlaybookDefinition::load).toList();
    }

    public static PlaybookDefinition load(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - SUFFIX.length());
        try {
            DeployableAsl asl = DeployableAsl.load(file);
            return new PlaybookDefinition(name, file, asl.definition(), asl.timeoutSeconds());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read state machine definition " + file, e);
        }
    }
}
