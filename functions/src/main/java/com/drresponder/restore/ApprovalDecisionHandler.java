package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.Json;
import com.drresponder.ledger.Ledger;
import com.drresponder.timeline.StepRecord;
import com.drresponder.timeline.TimelineRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;

/**
 * Runs after the approval gate resumes: reads the answer strictly ({@link ApprovalDecision}), records who
 * approved on the timeline, and drops the task token (it has done its job). Input
 * {@code {"incidentId", "answer": <SendTaskSuccess output>}} (another playbook adds {@code "playbook"} and {@code "subject"},
 * what was approved, and {@code "dataLoss"}: the step may lose data, so the answer must allow it); output {@code {"approved", "cause"}}: the
 * state machine cuts over only on {@code approved == true}, and records {@code cause} as a rejection otherwise.
 */
public final class ApprovalDecisionHandler extends JsonStepHandler {
    private final Ledger ledger;
    private final TimelineRecorder recorder;

    public ApprovalDecisionHandler() {
        this(RequestApprovalHandler.ledgerFromEnvironment());
    }

    private ApprovalDecisionHandler(Ledger ledger) {
        this(ledger, RequestApprovalHandler.recorder(ledger, Clock.systemUTC()));
    }

    public ApprovalDecisionHandler(Ledger ledger, TimelineRecorder recorder) {
        this.ledger = ledger;
        this.recorder = recorder;
    }

    @Override
    protected Object handle(JsonNode event) {
        String incidentId = required(event, "incidentId");
        // dataLoss comes from the plan (the state machine), never from the answer
        ApprovalDecision decision = ApprovalDecision.of(event.get("answer"), event.path("dataLoss").asBoolean(false));
        ledger.deleteApprovalToken(incidentId);
        if (decision.approved()) {
            String playbook = Json.text(event, "playbook");
            String subject = Json.text(event, "subject");
            recorder.record(new StepRecord(incidentId, playbook != null ? playbook : "restore-database-to-point-in-time", "Approval", "approved",
                    (subject != null ? subject : "Cut-over") + " approved by " + decision.approver() + (decision.dataLossAllowed() ? ", data loss allowed" : "") + (decision.reason() == null ? "" : ": " + decision.reason()),
                    null, null, null, null, false));
        }
        return Json.object().put("approved", decision.approved()).put("cause", decision.refusal());
    }
}
