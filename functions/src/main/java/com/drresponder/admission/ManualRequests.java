package com.drresponder.admission;

import com.drresponder.common.Json;
import com.drresponder.incident.Severity;
import com.drresponder.playbook.CredentialResponseRequest;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.playbook.RollbackRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The schema of a request an operator sends (a manual event through the router, or a direct
 * StartExecution), per playbook, and the canonical resource it names. Unknown fields are rejected, so
 * fields that widen scope ({@code principal}, {@code actions}, {@code blockIps}, {@code database}) can only
 * come from a finding the router classified; sizes are bounded so the playbook input stays far below the
 * 256 KB StartExecution quota. The router and every playbook's first step use this one class.
 */
public final class ManualRequests {
    /** Longest {@code reason}: a sentence or two for the timeline, not a payload. */
    public static final int MAX_REASON_CHARS = 1024;
    /** Largest request as JSON (UTF-8): room for a verify block, far below the 256 KB StartExecution quota. */
    public static final int MAX_REQUEST_BYTES = 32 * 1024;

    /** How the request arrived, which decides the control fields it may carry. */
    public enum Channel {
        /** {@code detail} of a manual event: names the playbook; the router adds incident id, lock key and flags. */
        EVENT(Set.of("playbook")),
        /** Input of a direct StartExecution: the incident id (= execution name); a lock key only if it is ours. */
        START(Set.of("incidentId", "lockKey"));

        private final Set<String> controlFields;

        Channel(Set<String> controlFields) {
            this.controlFields = controlFields;
        }
    }

    private static final Set<String> COMMON = Set.of("reason", "severity", "dryRun");
    private static final Map<String, Set<String>> FIELDS = Map.of(
            RollbackRequest.PLAYBOOK, Set.of("functionName", "alias", "targetVersion"),
            RestoreRequest.PLAYBOOK, Set.of("clusterId", "instanceId", "restoreTime", "targetId", "instanceClass", "cutover",
                    "approval", "mode", "verify", "cutoverConfig", "pollSeconds", "timeoutMinutes", "source"),
            CredentialResponseRequest.PLAYBOOK, Set.of("secretIds", "tag"),
            FailoverRequest.PLAYBOOK, Set.of("clusterId", "instanceId", "to", "cutover", "approval", "acceptLag", "verify",
                    "cutoverConfig", "pollSeconds", "timeoutMinutes", "mode", "globalAction"));
    /** Set only by the router from a GuardDuty finding; named in the error so the operator knows why. */
    private static final Set<String> FINDING_FIELDS = Set.of("principal", "actions", "blockIps", "database", "findingId", "findingType");

    private final Deployment deployment;

    public ManualRequests(Deployment deployment) {
        this.deployment = deployment;
    }

    /**
     * A validated request: the resource in canonical form and the playbook input without control fields.
     *
     * @throws InvalidRequestException naming the first bad field
     */
    public Admitted admit(String playbook, JsonNode request, Channel channel) {
        if (request == null || !request.isObject()) {
            throw new InvalidRequestException("request", "must be a JSON object");
        }
        if (!FIELDS.containsKey(playbook)) {
            throw new InvalidRequestException("playbook", "must be one of " + String.join(", ", new TreeSet<>(FIELDS.keySet()))
                    + ", got \"" + playbook + "\"");
        }
        bounded(request);
        onlyKnownFields(playbook, request, channel);
        Severity severity = severity(Json.text(request, "severity"));
        ObjectNode input = request.deepCopy();
        input.remove(channel.controlFields);
        return switch (playbook) {
            case RollbackRequest.PLAYBOOK -> {
                RollbackRequest r = RollbackRequest.parse(request);
                ProtectedResource res = ProtectedResource.lambdaAlias(deployment, r.functionName(), r.alias());
                yield new Admitted(playbook, res, severity, input, "Manual rollback of " + res.displayName(), r.dryRun());
            }
            case RestoreRequest.PLAYBOOK -> {
                RestoreRequest r = RestoreRequest.parse(request);
                ProtectedResource res = ProtectedResource.rdsDatabase(deployment, r.clusterId() != null, r.sourceId());
                input.put(r.clusterId() != null ? "clusterId" : "instanceId", res.displayName());
                yield new Admitted(playbook, res, severity, input,
                        "Manual " + r.mode() + " of " + res.displayName() + " to " + (r.fromSnapshot() != null ? "snapshot " + r.fromSnapshot() : r.restoreTime()), r.dryRun());
            }
            case FailoverRequest.PLAYBOOK -> {
                FailoverRequest r = FailoverRequest.parse(request);
                ProtectedResource res = ProtectedResource.rdsDatabase(deployment, r.clusterId() != null, r.primaryId());
                input.put(r.clusterId() != null ? "clusterId" : "instanceId", res.displayName());
                yield new Admitted(playbook, res, severity, input, (r.drill() ? "Failover drill of " : "Manual failover of ") + res.displayName()
                        + (r.to() == null ? "" : " to " + r.to()), r.dryRun());
            }
            default -> {
                CredentialResponseRequest r = CredentialResponseRequest.parse(request);
                String own = deployment.arn("secretsmanager", "secret:");
                for (String id : r.secretIds()) {
                    if (id.startsWith("arn:") && !id.startsWith(own)) {
                        throw new InvalidRequestException("secretIds", "a secret ARN must be in this deployment (" + own + "...), got \"" + id + "\"");
                    }
                }
                String scope = r.tag() != null ? "tag:" + r.tag() : String.join(",", r.secretIds().stream().sorted().toList());
                ProtectedResource res = ProtectedResource.secretSet(scope);
                yield new Admitted(playbook, res, severity, input, "Manual credential response for " + scope, r.dryRun());
            }
        };
    }

    private static void bounded(JsonNode request) {
        JsonNode reason = request.get("reason");
        if (reason != null && reason.isTextual() && reason.asText().length() > MAX_REASON_CHARS) {
            throw new InvalidRequestException("reason", "must be at most " + MAX_REASON_CHARS + " characters, got "
                    + reason.asText().length());
        }
        int bytes = Json.write(request).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_REQUEST_BYTES) {
            throw new InvalidRequestException("request", "must be at most " + MAX_REQUEST_BYTES + " bytes of JSON, got " + bytes);
        }
    }

    private static void onlyKnownFields(String playbook, JsonNode request, Channel channel) {
        for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (COMMON.contains(name) || FIELDS.get(playbook).contains(name) || channel.controlFields.contains(name)) {
                continue;
            }
            if (FINDING_FIELDS.contains(name)) {
                throw new InvalidRequestException(name, "is not accepted in a manual request: only a GuardDuty finding sets it");
            }
            Set<String> allowed = new TreeSet<>(COMMON);
            allowed.addAll(FIELDS.get(playbook));
            allowed.addAll(channel.controlFields);
            throw new InvalidRequestException(name, "is not a known field of " + playbook + "; allowed: " + String.join(", ", allowed));
        }
    }

    static Severity severity(String value) {
        if (value == null) {
            return Severity.P3;
        }
        try {
            return Severity.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("severity", "must be one of P1, P2, P3, P4, got \"" + value + "\"");
        }
    }

    /** A request that passed the schema: what it acts on, and the input the playbook gets (control fields removed). */
    public record Admitted(String playbook, ProtectedResource resource, Severity severity, ObjectNode input, String summary,
                           boolean dryRun) {}
}
