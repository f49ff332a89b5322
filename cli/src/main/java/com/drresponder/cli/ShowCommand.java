package com.drresponder.cli;

import com.drresponder.incident.Incident;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.DynamoDbLedger;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "show", description = "Show an incident and its timeline.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand Drctl cli;
    @Parameters(paramLabel = "INCIDENT", description = "Incident id.") String incidentId;

    @Override
    public Integer call() {
        DynamoDbLedger ledger = cli.target().ledger();
        Incident incident = find(ledger, incidentId);
        List<TimelineEntry> timeline = ledger.timeline(incidentId);
        if (cli.json()) {
            ObjectNode n = Views.json(incident);
            n.set("timeline", Views.json(timeline));
            cli.out.println(n.toPrettyString());
        } else {
            Views.incident(cli.out, incident, timeline);
        }
        return Drctl.OK;
    }

    static Incident find(DynamoDbLedger ledger, String id) {
        return ledger.incident(id).orElseThrow(() -> CliException.notFound("no incident " + id + " (list them with `drctl incidents`)"));
    }
}
