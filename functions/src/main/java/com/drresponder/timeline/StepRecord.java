package com.drresponder.timeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a playbook state asks the record-step function to do. Only {@code incidentId}, {@code action}
 * and {@code outcome} are required.
 *
 * @param open        when present and the incident does not exist yet (a playbook started by hand, not
 *                    through the router), open it and take the resource lock
 * @param status      new incident status (MITIGATED, RESOLVED, ESCALATED, FAILED...), also the
 *                    notification's headline
 * @param announce    JSON {@code notify}: when present, people are told (what happened / was done / is next)
 * @param releaseLock free the resource lock: the playbook is finished with the resource
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StepRecord(
        String incidentId,
        String actor,
        String action,
        String outcome,
        String detail,
        String undo,
        String status,
        Open open,
        @JsonProperty("notify") Notify announce,
        Boolean releaseLock) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Open(String playbook, String resource, String severity, String summary, String trigger) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Notify(String whatHappened, String whatWasDone, String whatIsNext) {}
}
