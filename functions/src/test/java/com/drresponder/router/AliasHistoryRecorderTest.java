package com.drresponder.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Settings;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.ledger.AliasChange;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alias-history recorder on the CloudTrail samples: protected aliases' deployments recorded, all else not. */
class AliasHistoryRecorderTest {
    static final String ALIAS = TestEvents.functionArn("checkout-api") + ":live";

    final InMemoryLedger ledger = new InMemoryLedger();
    final RouterFakes.Tags tags = new RouterFakes.Tags().tag(TestEvents.functionArn("checkout-api"), "dr:protected", "true");
    final AliasHistoryRecorder recorder = new AliasHistoryRecorder(Settings.from(Map.of("LEDGER_TABLE", "ledger",
            "TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr", "PROTECTED_RESOURCES", "*")), TestEvents.DEPLOYMENT, tags, ledger);

    @Test
    void record_should_rememberTheNewVersion_when_protectedAliasIsUpdated() {
        RouterResult r = recorder.record(RepositoryFiles.read("events/samples/cloudtrail/lambda-update-alias.json"));

        assertThat(r.outcome()).as(r.reason()).isEqualTo(Outcome.RECORDED);
        assertThat(r.resource()).isEqualTo(ALIAS);
        assertThat(ledger.aliasHistory(ALIAS)).singleElement().extracting(AliasChange::source).isEqualTo("cloudtrail");
    }

    @Test
    void record_should_recordNothing_when_callWasDenied() {
        RouterResult r = recorder.record(RepositoryFiles.read("events/samples/cloudtrail/lambda-update-alias-denied.json"));

        assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(r.reason()).contains("the alias did not change");
        assertThat(ledger.aliasHistory(ALIAS)).isEmpty();
    }

    @Test
    void record_should_ignore_when_aliasIsNotProtected() {
        RouterResult r = new AliasHistoryRecorder(Settings.from(Map.of("LEDGER_TABLE", "l", "TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr",
                "PROTECTED_RESOURCES", "*")), TestEvents.DEPLOYMENT, new RouterFakes.Tags(), ledger)
                .record(RepositoryFiles.read("events/samples/cloudtrail/lambda-update-alias.json"));

        assertThat(r.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(ledger.aliasHistory(ALIAS)).isEmpty();
    }

    @Test
    void record_should_reject_when_eventIsNoLambdaCloudTrailCall() {
        // the recorder's rule delivers only these; anything else sent to it is refused, never routed
        RouterResult r = recorder.record(TestEvents.alarm("a1", "checkout-api", "live", "ALARM", "2026-11-22T03:00:00.000+0000"));

        assertThat(r.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(r.reason()).contains("not a Lambda CloudTrail event");
    }
}
