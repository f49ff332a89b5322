package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "incidents", description = "List recent incidents, newest first.")
final class IncidentsCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Option(names = "--open", description = "Only open ones (not resolved, escalated, failed or dry run).") boolean open;
    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default ${DEFAULT-VALUE}).") int limit;

    @Override
    public Integer call() {
        List<Incident> incidents = cli.target().ledger().recentIncidents(limit).stream()
                .filter(i -> !open || (i.status() != null && i.status().isOpen())).toList();
        if (cli.json()) {
            ArrayNode a = Json.MAPPER.createArrayNode();
            incidents.forEach(i -> a.add(Views.json(i)));
            cli.out.println(a.toPrettyString());
        } else if (incidents.isEmpty()) {
            cli.out.println(open ? "no open incidents" : "no incidents");
        } else {
            Views.incidents(cli.out, incidents);
        }
        return Drctl.OK;
    }
}
