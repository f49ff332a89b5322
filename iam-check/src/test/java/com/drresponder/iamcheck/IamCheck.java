package com.drresponder.iamcheck;

import com.drresponder.infra.ProjectLayout;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the offline IAM check ({@code src/main/node/iam-check.mjs}, @cloud-copilot/iam-simulate) on a
 * template and API call logs and reads its report: {@code denied} (call, role, reason), {@code problems}
 * (calls it could not evaluate), {@code roles} (grants no call used).
 */
final class IamCheck {
    static final Path MODULE_DIR = Path.of("").toAbsolutePath();
    static final Path REPO_ROOT = ProjectLayout.findRepositoryRoot(MODULE_DIR);
    static final Path OUT = MODULE_DIR.resolve("target/iam-check");
    /** Where the emulator ITs write their logs (local-aws's AwsEmulator.API_CALL_LOG_DIR under each module's target/). */
    static final List<Path> CALL_LOG_DIRS = List.of(
            REPO_ROOT.resolve("functions/target/api-calls"), REPO_ROOT.resolve("cli/target/api-calls"));

    /**
     * The names the local deployment (ResponderDeployment: drctl local and the ITs' LocalResponder) gives the stack's
     * ledger table and topic. A table or topic the ITs use under another name fails the check.
     */
    static final String LOCAL_NAMES = "{\"tables\":[\"dr-ledger\"],\"topics\":[\"dr-notifications\"]}";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCRIPT = MODULE_DIR.resolve("src/main/node/iam-check.mjs");

    private IamCheck() {}

    static JsonNode run(Path template, List<Path> callLogs, Path report) {
        List<String> command = new ArrayList<>(List.of("node", SCRIPT.toString(), "--template", template.toString(),
                "--playbooks", REPO_ROOT.resolve("statemachines").toString(), "--local-names", LOCAL_NAMES, "--report", report.toString()));
        callLogs.forEach(log -> command.addAll(List.of("--calls", log.toString())));
        try {
            Files.createDirectories(report.getParent());
            Path output = report.resolveSibling(report.getFileName() + ".log");
            Process process = new ProcessBuilder(command).directory(MODULE_DIR.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("iam-check.mjs did not finish in 10 minutes; see " + output);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("iam-check.mjs failed (exit " + process.exitValue() + "): " + Files.readString(output));
            }
            return JSON.readTree(report.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run node " + SCRIPT + " (Node.js >= 18 and `npm ci` in iam-check/)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running the IAM check", e);
        }
    }

    /** Every API call log the emulator ITs of this build wrote. */
    static List<Path> recordedCallLogs() {
        List<Path> logs = new ArrayList<>();
        for (Path dir : CALL_LOG_DIRS) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.toString().endsWith(".jsonl")).sorted().forEach(logs::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return logs;
    }
}
