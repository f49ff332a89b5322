package com.drresponder.iamcheck;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** target/iam-check/unused-grants.md: per role, what the template grants that no recorded call used (docs/SECURITY.md summarises it). */
final class UnusedGrantReport {
    private UnusedGrantReport() {}

    static void write(JsonNode report, Path file) {
        StringBuilder md = new StringBuilder("# Unused grants\n\n")
                .append("Calls recorded: ").append(report.path("calls").asInt())
                .append(", made by responder roles: ").append(report.path("checked").asInt())
                .append(", evaluations: ").append(report.path("evaluations").asInt())
                .append(", denied: ").append(report.path("denied").size()).append("\n\n")
                .append("| role | principals | grants | used | unused (statement: action) |\n|---|---|---|---|---|\n");
        report.path("roles").properties().forEach(e -> {
            JsonNode role = e.getValue();
            StringBuilder unused = new StringBuilder();
            role.path("unused").forEach(g -> unused.append(unused.isEmpty() ? "" : ", ")
                    .append(g.path("statement").asInt()).append(": ").append(g.path("action").asText()));
            md.append("| ").append(e.getKey()).append(" | ").append(String.join(" ", role.path("principals").valueStream().map(JsonNode::asText).toList()))
                    .append(" | ").append(role.path("grants").asInt()).append(" | ").append(role.path("used").asInt())
                    .append(" | ").append(unused).append(" |\n");
        });
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, md);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
