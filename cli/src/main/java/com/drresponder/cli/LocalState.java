package com.drresponder.cli;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code drctl local up} started, in {@code .local/drctl.json}: the emulator endpoint, the process
 * that owns it, and the names of the deployed responder. {@code --local} commands read it.
 */
record LocalState(long pid, String endpoint, String region, String accountId, String ledgerTable, String topicArn,
                  String routerFunction, Map<String, String> stateMachines, String startedAt) {

    static LocalState read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw CliException.notFound("no local responder is running (" + file + " not found): start one with `./drctl local up`");
        }
        try {
            JsonNode n = Json.MAPPER.readTree(Files.readString(file));
            Map<String, String> machines = new LinkedHashMap<>();
            n.path("stateMachines").properties().forEach(e -> machines.put(e.getKey(), e.getValue().asText()));
            return new LocalState(n.path("pid").asLong(), n.path("endpoint").asText(), n.path("region").asText(),
                    n.path("accountId").asText(), n.path("ledgerTable").asText(), n.path("topicArn").asText(),
                    n.path("routerFunction").asText(), machines, n.path("startedAt").asText());
        } catch (IOException e) {
            throw CliException.failed("cannot read " + file + ": " + e.getMessage());
        }
    }

    void write(Path file) {
        ObjectNode n = Json.object().put("pid", pid).put("endpoint", endpoint).put("region", region).put("accountId", accountId)
                .put("ledgerTable", ledgerTable).put("topicArn", topicArn).put("routerFunction", routerFunction)
                .put("startedAt", startedAt);
        ObjectNode machines = n.putObject("stateMachines");
        stateMachines.forEach(machines::put);
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, n.toPrettyString() + "\n");
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    boolean ownerAlive() {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
