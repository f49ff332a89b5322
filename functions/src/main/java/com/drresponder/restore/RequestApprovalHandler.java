package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.ledger.Ledger;
import com.drresponder.ledger.Lease;
import com.drresponder.notify.SnsNotifier;
import com.drresponder.timeline.StepRecord;
import com.drresponder.timeline.TimelineRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Approval gate of the restore playbook, invoked with {@code lambda:invoke.waitForTaskToken}. The task
 * token resumes the playbook for whoever holds it, so it goes only to the ledger's approval item
 * ({@link Ledger#putApprovalToken}), never to the timeline or a notification: people are told to run
 * {@code drctl approve|reject <incident>}, which reads it there. The execution waits until someone does
 * (the answer is then checked by {@link ApprovalDecisionHandler}).
 * Input {@code {"incidentId", "taskToken", "summary", "endpoint"}}; another playbook adds {@code "playbook"} (the
 * timeline's actor) and {@code "asking"} (what needs approval).
 */
public final class RequestApprovalHandler extends JsonStepHandler {
    /** The approval task waits at most 24 h (its TimeoutSeconds); the token item outlives it a little. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(25);

    private final Ledger ledger;
    private final TimelineRecorder recorder;
    private final Clock clock;
    private final Lease lease;

    public RequestApprovalHandler() {
        this(ledgerFromEnvironment(), Clock.systemUTC());
    }

    private RequestApprovalHandler(Ledger ledger, Clock clock) {
        this(ledger, recorder(ledger, clock), clock, new Lease(ledger, clock, Settings.fromEnvironment().lockTtl()));
    }

    public RequestApprovalHandler(Ledger ledger, TimelineRecorder recorder, Clock clock, Lease lease) {
        this.ledger = ledger;
        this.recorder = recorder;
        this.clock = clock;
        this.lease = lease;
    }

    @Override
    protected Object handle(JsonNode event) {
        String incidentId = required(event, "incidentId");
        java.time.Instant tokenExpires = clock.instant().plus(TOKEN_LIFETIME);
        // nothing renews the lease while the playbook waits for a person: it must outlast the whole wait
        lease.renewUntil(incidentId, tokenExpires);
        ledger.putApprovalToken(incidentId, required(event, "taskToken"), tokenExpires);
        String approve = "./drctl approve " + incidentId + " --reason '<why>'";
        String reject = "./drctl reject " + incidentId + " --reason '<why>'";
        String restored = Json.text(event, "endpoint");
        // another playbook (fail-over-database) names itself and what it asks; the restore's words are the default
        String playbook = Json.text(event, "playbook");
        String asking = Json.text(event, "asking");
        String detail = asking != null ? asking + ": " + Json.text(event, "summary")
                : "Restored and verified: " + Json.text(event, "summary") + (restored == null ? "" : "; endpoint " + restored);
        recorder.record(new StepRecord(incidentId, playbook != null ? playbook : "restore-database-to-point-in-time", "Approval requested",
                "waiting", detail + ". Approve: " + approve + " | Reject: " + reject, null, "IDENTIFIED", null,
                new StepRecord.Notify(asking != null ? asking + "." : "A restored copy is ready and verified; cut-over needs approval.",
                        Json.text(event, "summary"), "Approve: " + approve + "\nReject: " + reject),
                false));
        return Json.object().put("requested", true);
    }

    static Ledger ledgerFromEnvironment() {
        return new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), Settings.fromEnvironment().ledgerTable());
    }

    static TimelineRecorder recorder(Ledger ledger, Clock clock) {
        Settings settings = Settings.fromEnvironment();
        return new TimelineRecorder(ledger, new SnsNotifier(AwsClients.create(SnsClient.builder()), settings.topicArn()), clock, settings.lockTtl());
    }
}
