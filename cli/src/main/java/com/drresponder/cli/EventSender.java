package com.drresponder.cli;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.event.ruler.GenericMachine;

/**
 * Delivers events to the local responder as EventBridge would: an event matching none of the stack's rules
 * (events/rules/*.json, matched by event-ruler, EventBridge's own matcher) is not delivered; a matching one
 * goes to its rule's target: the router, or the function the catalog names for the rule (alias changes go to the
 * alias-history recorder, never the router). Used by {@code drctl local send} and {@code drctl local demo}.
 */
final class EventSender {
    /** One event and what became of it; {@code rules} empty means EventBridge would not have delivered it. */
    record Routed(String file, Instant time, List<String> rules, String outcome, String incidentId, String playbook, String reason) {
        static final String NOT_DELIVERED = "NOT_DELIVERED";
    }

    private final Target target;
    private final GenericMachine<String> rules;

    EventSender(Target target, Path root) throws Exception {
        this.target = target;
        this.rules = rules(root.resolve("events").resolve("rules"));
    }

    List<String> matchingRules(JsonNode event) throws Exception {
        return rules.rulesForJSONEvent(event.toString());
    }

    /** Routes the event if a rule matches it; otherwise records that EventBridge would not deliver it. */
    Routed send(String file, JsonNode event) throws Exception {
        List<String> matched = matchingRules(event);
        Instant time = event.hasNonNull("time") ? Instant.parse(event.path("time").asText()) : null;
        if (matched.isEmpty()) {
            return new Routed(file, time, matched, Routed.NOT_DELIVERED, null, null, "no rule in events/rules matches it");
        }
        // local function names are the catalog's; the router's comes from the deployment
        com.drresponder.catalog.Catalog.Function to = com.drresponder.catalog.Catalog.RESPONDER.ruleTarget(matched.get(0));
        String function = to.equals(com.drresponder.catalog.Catalog.RESPONDER.router()) ? target.routerFunction() : to.name();
        InvokeResponse response = target.lambda().invoke(b -> b.functionName(function)
                .payload(SdkBytes.fromUtf8String(event.toString())));
        JsonNode body = ManualRequest.parse(response.payload().asUtf8String());
        if (response.functionError() != null) {
            return new Routed(file, time, matched, "REJECTED", null, null, body.path("errorMessage").asText(body.toString()));
        }
        return new Routed(file, time, matched, body.path("outcome").asText(), Json.text(body, "incidentId"), Json.text(body, "playbook"),
                Json.text(body, "reason"));
    }

    static GenericMachine<String> rules(Path dir) throws Exception {
        GenericMachine<String> machine = new GenericMachine<>();
        for (Path rule : Demo.jsonFiles(dir)) {
            String name = rule.getFileName().toString().replace(".json", "");
            machine.addRule(name, Files.readString(rule));
        }
        return machine;
    }
}
