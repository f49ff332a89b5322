package com.drresponder.rollback;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.CannedAws;
import com.drresponder.common.Priming;
import com.drresponder.common.Settings;
import com.drresponder.ledger.DynamoDbLedger;
import com.drresponder.notify.SnsNotifier;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * record-rollback: runs right after the alias was updated. Remembers the bad version (never chosen
 * again) and the new alias state, puts the change with its undo on the timeline, marks the incident
 * Mitigated, tells people, and emits time-to-mitigate, measured against the Lambda RTO target
 * ({@code LAMBDA_RTO_TARGET_MINUTES}). Input: {@code incidentId}, {@code plan}, and the
 * playbook {@code input} (its {@code detectedAt}, when an alarm started it). Output: when to stop
 * verifying ({@code verifyDeadline}) and how often to look ({@code pollSeconds}).
 */
public final class RecordRollbackHandler extends JsonStepHandler {
    private final RollbackRecorder recorder;

    public RecordRollbackHandler() {
        this(RollbackSettings.from(Environment.variables()));
    }

    private RecordRollbackHandler(RollbackSettings settings) {
        this(new RollbackRecorder(DynamoDbLedger.atInit(Settings.fromEnvironment().ledgerTable()),
                new SnsNotifier(AwsClients.create(SnsClient.builder()), Settings.fromEnvironment().topicArn()), Clock.systemUTC(),
                settings.verifyWindow(), settings.pollInterval(), settings.rtoTarget()));
        Priming.invocationPath("record-rollback", aws -> primingRun(settings, aws));
    }

    /** At init: one rollback recorded (PutItems, UpdateItem, GetItem, Publish, a dropped metric) on canned AWS ({@link Priming#invocationPath}). */
    public static void primingRun(RollbackSettings settings, CannedAws aws) {
        String alias = "arn:aws:lambda:us-east-1:000000000000:function:priming:live";
        new RecordRollbackHandler(new RollbackRecorder(DynamoDbLedger.canned(aws),
                new SnsNotifier(aws.client(SnsClient.builder()), "arn:aws:sns:us-east-1:000000000000:priming"), Clock.systemUTC(),
                settings.verifyWindow(), settings.pollInterval(), settings.rtoTarget())).prime("""
                {"incidentId":"priming","input":{"detectedAt":"2000-01-01T00:00:00Z"},"plan":{"action":"rollback","functionName":"priming",
                 "alias":"live","aliasArn":"%s","fromVersion":"3","toVersion":"2","revisionId":"priming","badVersion":"3","source":"fallback",
                 "reason":"priming"}}""".formatted(alias));
    }

    public RecordRollbackHandler(RollbackRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    protected Object handle(JsonNode in) {
        return recorder.record(in);
    }
}
