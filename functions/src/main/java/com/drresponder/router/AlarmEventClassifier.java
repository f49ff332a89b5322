package com.drresponder.router;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ProtectedResource;
import com.drresponder.admission.ResourceTags;
import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CloudWatch Alarm State Change -> rollback of the Lambda alias the alarm watches. The function and
 * alias come from the metric dimensions ({@code Resource = fn:alias}, also inside metric math), and for
 * alarms without them (composite, FunctionName-only, ExecutedVersion) from the alarm's tags
 * {@code dr:function} / {@code dr:alias}.
 */
final class AlarmEventClassifier {
    static final String FUNCTION_TAG = "dr:function";
    static final String ALIAS_TAG = "dr:alias";

    /** An alarm ARN as CloudWatch puts it in {@code resources}; anything else is not looked up. */
    private static final Pattern ALARM_ARN = Pattern.compile("arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\\d{12}:alarm:.{1,255}");

    private final Deployment deployment;
    private final ResourceTags tags;

    AlarmEventClassifier(Deployment deployment, ResourceTags tags) {
        this.deployment = deployment;
        this.tags = tags;
    }

    Classification classify(EventEnvelope event) {
        JsonNode detail = event.detail();
        String alarmName = Json.text(detail, "alarmName");
        String state = Json.text(detail.path("state"), "value");
        if (alarmName == null || state == null) {
            return new Classification.Reject("alarm event has no alarmName or state.value");
        }
        if (!"ALARM".equals(state)) {
            return new Classification.Ignore("alarm " + alarmName + " is " + state + "; only ALARM starts a rollback");
        }
        String suppressedBy = Json.text(detail.path("state"), "actionsSuppressedBy");
        if (suppressedBy != null && !suppressedBy.isBlank()) {
            // An actions suppressor (a maintenance window, a parent outage) silences this alarm's actions; we are one.
            return new Classification.Ignore("alarm " + alarmName + " is in ALARM but its actions are suppressed (actionsSuppressedBy "
                    + suppressedBy + ": " + Optional.ofNullable(Json.text(detail.path("state"), "actionsSuppressedReason")).orElse("no reason given")
                    + "); starting nothing");
        }
        String alarmArn = event.resources().isEmpty() ? null : event.resources().get(0);
        if (alarmArn != null && !ALARM_ARN.matcher(alarmArn).matches()) {
            return new Classification.Reject("alarm event resources[0] is not a CloudWatch alarm ARN: \"" + abbreviate(alarmArn) + "\"");
        }
        Optional<String[]> target = fromMetrics(detail.path("configuration").path("metrics"));
        if (target.isEmpty() && alarmArn != null) {
            target = fromTags(tags.tagsOf(alarmArn));
        }
        if (target.isEmpty()) {
            return new Classification.Ignore("alarm " + alarmName + " names no Lambda function and alias "
                    + "(no FunctionName/Resource dimensions, no " + FUNCTION_TAG + "/" + ALIAS_TAG + " tags)");
        }
        String function = target.get()[0];
        String alias = target.get()[1];
        ProtectedResource resource = ProtectedResource.lambdaAlias(deployment, function, alias);
        String reason = "CloudWatch alarm " + alarmName + " entered ALARM: " + Json.text(detail.path("state"), "reason");
        ObjectNode input = Json.object()
                .put("functionName", function)
                .put("alias", alias)
                .put("alarmName", alarmName)
                .put("reason", reason)
                .put("detectedAt", Optional.ofNullable(Json.text(detail.path("state"), "timestamp")).orElse(event.time()));
        // The transition (alarm + the time it entered ALARM) identifies the occurrence across re-deliveries.
        String occurrence = alarmName + "@" + Optional.ofNullable(Json.text(detail.path("state"), "timestamp")).orElse(event.id());
        return new Classification.Decision(RollbackRequest.PLAYBOOK, resource, Severity.P2, input, occurrence, "alarm:" + alarmName,
                "Alarm " + alarmName + " on " + resource.displayName(), true, false);
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }

    /** {function, alias} from AWS/Lambda dimensions of any metric in the alarm (plain or metric math). */
    private static Optional<String[]> fromMetrics(JsonNode metrics) {
        for (JsonNode m : metrics) {
            JsonNode metric = m.path("metricStat").path("metric");
            if (!"AWS/Lambda".equals(Json.text(metric, "namespace"))) {
                continue;
            }
            JsonNode dims = metric.path("dimensions");
            String resource = Json.text(dims, "Resource");
            if (resource != null && resource.contains(":")) {
                String[] parts = resource.split(":", 2);
                if (!parts[1].isBlank() && !parts[1].matches("\\d+|\\$LATEST")) {
                    return Optional.of(parts);
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String[]> fromTags(Map<String, String> alarmTags) {
        String fn = alarmTags.get(FUNCTION_TAG);
        String alias = alarmTags.get(ALIAS_TAG);
        return fn != null && alias != null ? Optional.of(new String[] {fn, alias}) : Optional.empty();
    }
}
