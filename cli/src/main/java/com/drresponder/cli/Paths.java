package com.drresponder.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository (events/, statemachines/) and the local state file are. */
final class Paths {
    private Paths() {}

    /** {@code -Ddrctl.root} (set by ./drctl), else the nearest directory upwards holding {@code events/rules}, else the working directory. */
    static Path root() {
        String configured = System.getProperty("drctl.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("events").resolve("rules"))) {
                return dir;
            }
        }
        return start;
    }

    /** {@code .local/drctl.json} under the root (gitignored); {@code DRCTL_STATE} overrides it. */
    static Path stateFile(Path root) {
        String configured = System.getenv("DRCTL_STATE");
        return configured != null && !configured.isBlank() ? Path.of(configured) : root.resolve(".local").resolve("drctl.json");
    }
}
