package com.drresponder.cli;

import com.drresponder.common.Json;
import com.drresponder.incident.Incident;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/**
 * Sends a manual playbook request the way docs/CONTRACTS.md defines it: an EventBridge event with
 * {@code source} {@code drresponder.manual}, {@code detail-type} {@code Manual Playbook Request} and the
 * playbook input as {@code detail}. In AWS it is put on the stack's manual bus, whose policy admits only the
 * configured operator principals (its manual-requests rule, pinned to the account, routes it to the router); locally the same event is given to the router function directly, because the emulator's
 * PutEvents delivers only to SQS, Logs, buses and API destinations, never to Lambda.
 */
final class ManualRequest {
    static final String SOURCE = "drresponder.manual";
    static final String DETAIL_TYPE = "Manual Playbook Request";
    private static final Duration AWS_ROUTING_WAIT = Duration.ofSeconds(30);

    private ManualRequest() {}

    /** Validates {@code detail} with the playbook's own parser; a bad field is exit 2 with the parser's message (field and allowed values). */
    static void validate(ObjectNode detail, Consumer<JsonNode> parser) {
        try {
            parser.accept(detail);
        } catch (InvalidRequestException e) {
            throw CliException.badInput("invalid request: " + e.getMessage());
        }
    }

    /** Full EventBridge envelope as the bus would deliver it. */
    static ObjectNode envelope(String id, String account, String region, ObjectNode detail) {
        ObjectNode event = Json.object().put("version", "0").put("id", id).put("detail-type", DETAIL_TYPE).put("source", SOURCE)
                .put("account", account).put("time", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString())
                .put("region", region);
        event.putArray("resources");
        event.set("detail", detail);
        return event;
    }

    static int send(Drctl cli, String playbook, ObjectNode detail, boolean follow) {
        Target target = cli.target();
        detail.put("playbook", playbook);
        if (target.stateMachine(playbook).isEmpty()) {
            throw CliException.notFound("playbook " + playbook + " is not deployed in " + target.describe()
                    + " (no state machine for it): it is started once statemachines/" + playbook + ".asl.json exists and is deployed");
        }
        JsonNode result = target.isLocal() ? invokeRouter(target, detail) : putEvent(cli, target, detail);
        String outcome = result.path("outcome").asText();
        if (cli.json()) {
            cli.out.println(result.toPrettyString());
        } else {
            cli.out.printf("%-10s %s%n", "outcome", outcome);
            line(cli, "incident", result.path("incidentId"));
            line(cli, "playbook", result.path("playbook"));
            line(cli, "resource", result.path("resource"));
            line(cli, "execution", result.path("executionArn"));
            line(cli, "event", result.path("eventId"));
            line(cli, "note", result.path("reason"));
            if (!follow && result.hasNonNull("incidentId")) {
                cli.out.println("follow it: ./drctl " + (target.isLocal() ? "--local " : "") + "follow " + result.path("incidentId").asText());
            }
        }
        if (follow && result.hasNonNull("incidentId") && !"DRY_RUN".equals(outcome)) {
            return new Follower(cli, target).follow(result.path("incidentId").asText());
        }
        return Drctl.OK;
    }

    private static void line(Drctl cli, String label, JsonNode value) {
        if (value != null && !value.isNull() && !value.isMissingNode() && !value.asText().isEmpty()) {
            cli.out.printf("%-10s %s%n", label, value.asText());
        }
    }

    private static JsonNode invokeRouter(Target target, ObjectNode detail) {
        LocalState s = target.localState();
        ObjectNode event = envelope(UUID.randomUUID().toString(), s.accountId(), s.region(), detail);
        InvokeResponse response = target.lambda().invoke(b -> b.functionName(target.routerFunction())
                .payload(SdkBytes.fromUtf8String(event.toString())));
        JsonNode body = parse(response.payload().asUtf8String());
        if (response.functionError() != null) {
            throw CliException.failed("the router rejected the request: " + body.path("errorMessage").asText(body.toString()));
        }
        ((ObjectNode) body).put("eventId", event.path("id").asText());
        return body;
    }

    private static JsonNode putEvent(Drctl cli, Target target, ObjectNode detail) {
        String bus = target.manualBus();
        PutEventsResponse response = target.events().putEvents(b -> b.entries(e -> e.eventBusName(bus).source(SOURCE).detailType(DETAIL_TYPE)
                .detail(detail.toString())));
        var entry = response.entries().get(0);
        if (entry.errorCode() != null) {
            throw CliException.failed("EventBridge did not accept the request: " + entry.errorCode() + " " + entry.errorMessage());
        }
        String eventId = entry.eventId();
        if (!cli.json()) {
            cli.err.println("sent event " + eventId + " to the manual bus " + bus + "; waiting for the router to open the incident...");
        }
        Instant deadline = Instant.now().plus(AWS_ROUTING_WAIT);
        while (Instant.now().isBefore(deadline)) {
            Optional<Incident> incident = target.ledger().recentIncidents(50).stream()
                    .filter(i -> ("manual:" + eventId).equals(i.trigger())).findFirst();
            if (incident.isPresent()) {
                Incident i = incident.get();
                ObjectNode r = Json.object().put("outcome", i.executionArn() != null ? "STARTED" : i.status().name())
                        .put("incidentId", i.id()).put("playbook", i.playbook()).put("resource", i.resource())
                        .put("executionArn", i.executionArn()).put("eventId", eventId);
                return r;
            }
            sleep(1000);
        }
        return Json.object().put("outcome", "SENT").put("eventId", eventId)
                .put("reason", "no incident with trigger manual:" + eventId + " after " + AWS_ROUTING_WAIT.toSeconds()
                        + " s: it may have joined an open incident on the same resource, or been rejected (see the router's logs and dead-letter queue)");
    }

    static JsonNode parse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            return Json.object().put("raw", text);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.failed("interrupted");
        }
    }
}
