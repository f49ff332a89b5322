package com.drresponder.restore;

import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.notify.SnsNotifier;
import com.drresponder.timeline.StepRecord;
import com.drresponder.timeline.TimelineRecorder;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * Approval gate of the restore playbook, invoked with {@code lambda:invoke.waitForTaskToken}: puts the
 * task token on the incident timeline and in the notification, with the exact commands to approve or
 * reject. The execution waits until someone runs one of them (or the CLI does).
 * Input {@code {"incidentId", "taskToken", "summary", "endpoint"}}.
 */
public final class RequestApprovalHandler extends JsonStepHandler {
    private final TimelineRecorder recorder;

    public RequestApprovalHandler() {
        this(fromEnvironment());
    }

    public RequestApprovalHandler(TimelineRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    Object handle(JsonNode event) {
        String token = required(event, "taskToken");
        String approve = "aws stepfunctions send-task-success --task-token " + token + " --task-output '{\"approved\":true}'";
        String reject = "aws stepfunctions send-task-failure --task-token " + token + " --error Rejected --cause '<why>'";
        String restored = Json.text(event, "endpoint");
        recorder.record(new StepRecord(required(event, "incidentId"), "restore-database-to-point-in-time", "Approval requested",
                "waiting", "Restored and verified: " + Json.text(event, "summary") + (restored == null ? "" : "; endpoint " + restored)
                + ". Approve: " + approve + " | Reject: " + reject, null, "IDENTIFIED", null,
                new StepRecord.Notify("A restored copy is ready and verified; cut-over needs approval.",
                        Json.text(event, "summary"), "Approve: " + approve + "\nReject: " + reject),
                false));
        return Json.object().put("requested", true);
    }

    private static TimelineRecorder fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        return new TimelineRecorder(new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), settings.ledgerTable()),
                new SnsNotifier(AwsClients.create(SnsClient.builder()), settings.topicArn()), Clock.systemUTC());
    }
}
