package com.drresponder.timeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a playbook state asks the record-step function to do. Only {@code incidentId}, {@code action}
 * and {@code outcome} are required.
 *
 * @param open        only on a playbook's first step: admit the execution (see {@code StartAdmission}):
 *                    the router's own start, or a direct StartExecution checked as the router checks it
 * @param status      new incident status (MITIGATED, RESOLVED, ESCALATED, FAILED...), also the
 *                    notification's headline
 * @param announce    JSON {@code notify}: when present, people are told (what happened / was done / is next)
 * @param releaseLock free the resource lock: the playbook is finished with the resource
 * @param holdLock    keep the resource locked for an operator (the playbook could not leave it in a safe state):
 *                    the lock no longer expires ({@code Ledger.holdLock}), and nothing that finishes the execution
 *                    (its last step, the finaliser) may release it; never together with {@code releaseLock}
 * @param fence       a write-ahead step before a change: if the incident no longer holds its resource (the lease lapsed
 *                    and another incident took it), record that the change was not started and fail with
 *                    {@code LeaseLostException}, so the change that follows never runs
 * @param step        the calling Task ({@code $$.State.Name}, {@code $$.State.EnteredTime}; both deployments add it to every
 *                    record-step Task, {@code catalog.DeployableAsl}): a retry of the Task writes no second entry
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
        Boolean releaseLock,
        Boolean holdLock,
        Boolean fence,
        Step step) {

    /** A step that holds no lock. */
    public StepRecord(String incidentId, String actor, String action, String outcome, String detail, String undo, String status,
                      Open open, Notify announce, Boolean releaseLock) {
        this(incidentId, actor, action, outcome, detail, undo, status, open, announce, releaseLock, null, null, null);
    }

    /** A step that is no fence. */
    public StepRecord(String incidentId, String actor, String action, String outcome, String detail, String undo, String status,
                      Open open, Notify announce, Boolean releaseLock, Boolean holdLock) {
        this(incidentId, actor, action, outcome, detail, undo, status, open, announce, releaseLock, holdLock, null, null);
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    /** {@code execution}: {@code $$.Execution.Name}; {@code request}: {@code $$.Execution.Input}, as the caller sent it. */
    public record Open(String playbook, String execution, com.fasterxml.jackson.databind.JsonNode request) {}

    /** The state that called record-step: its name and entry time, the same for every retry of its Task. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Step(String name, String enteredAt) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Notify(String whatHappened, String whatWasDone, String whatIsNext) {}
}
