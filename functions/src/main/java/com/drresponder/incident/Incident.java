package com.drresponder.incident;

import java.time.Instant;

/**
 * One incident: what triggered it, which playbook acts on which resource, and where it stands.
 * {@code id} doubles as the Step Functions execution name, so a duplicate trigger maps to the same one.
 */
public record Incident(
        String id,
        String playbook,
        String resource,
        String trigger,
        Severity severity,
        IncidentStatus status,
        String executionArn,
        String summary,
        String input,
        Instant createdAt,
        Instant updatedAt) {

    public Incident withStatus(IncidentStatus newStatus, Instant at) {
        return new Incident(id, playbook, resource, trigger, severity, newStatus, executionArn, summary, input, createdAt, at);
    }

    public Incident withExecution(String arn, IncidentStatus newStatus, Instant at) {
        return new Incident(id, playbook, resource, trigger, severity, newStatus, arn, summary, input, createdAt, at);
    }
}
