package com.drresponder.timeline;

import com.drresponder.common.JsonStepHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.drresponder.admission.AwsResourceTags;
import com.drresponder.admission.Deployment;
import com.drresponder.admission.ManualRequests;
import com.drresponder.admission.ProtectionPolicy;
import com.drresponder.admission.StartAdmission;
import com.drresponder.common.AwsClients;
import com.drresponder.common.CannedAws;
import com.drresponder.common.Priming;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.notify.SnsNotifier;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * record-step: invoked by every playbook state machine ({@code lambda:invoke} task) to put a step on
 * the incident timeline, change its status, notify, and release the resource lock at the end. Its
 * {@code open} (each playbook's first step) admits the execution: see {@link StartAdmission}.
 * Input: {@link StepRecord}; output: {@link TimelineRecorder.Result}.
 */
public final class RecordStepHandler extends JsonStepHandler {
    private final TimelineRecorder recorder;

    public RecordStepHandler() {
        this(fromEnvironment());
        Priming.invocationPath("record-step", aws -> primingRun(Settings.fromEnvironment().lockTtl(), aws));
    }

    /** At init: one step recorded and notified (GetItem, PutItem, UpdateItem, Publish) on canned AWS ({@link Priming#invocationPath}). */
    public static void primingRun(java.time.Duration lockTtl, CannedAws aws) {
        new RecordStepHandler(new TimelineRecorder(DynamoDbLedger.canned(aws),
                new SnsNotifier(aws.client(SnsClient.builder()), "arn:aws:sns:us-east-1:000000000000:priming"), Clock.systemUTC(), lockTtl))
                .prime("{\"incidentId\":\"priming\",\"action\":\"Priming\",\"outcome\":\"ok\",\"status\":\"MONITORING\",\"notify\":{\"whatHappened\":\"priming\"}}");
    }

    public RecordStepHandler(TimelineRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    protected Object handle(JsonNode in) {
        return recorder.record(Json.MAPPER.convertValue(in, StepRecord.class));
    }

    private static TimelineRecorder fromEnvironment() {
        Settings settings = Settings.fromEnvironment();
        DynamoDbLedger ledger = DynamoDbLedger.atInit(settings.ledgerTable());
        StartAdmission admission = new StartAdmission(new ManualRequests(Deployment.fromEnvironment()),
                ProtectionPolicy.of(AwsResourceTags.fromEnvironment(), settings), settings.dryRun(), ledger,
                Clock.systemUTC(), settings.lockTtl());
        return new TimelineRecorder(ledger, new SnsNotifier(AwsClients.create(SnsClient.builder()), settings.topicArn()),
                Clock.systemUTC(), admission, settings.lockTtl());
    }
}
