package com.drresponder.router;

import static com.drresponder.router.TestEvents.alarm;
import static com.drresponder.router.TestEvents.functionArn;
import static com.drresponder.router.TestEvents.manual;
import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Settings;
import com.drresponder.guard.GuardClock;
import com.drresponder.incident.IncidentStatus;
import com.drresponder.incident.TimelineEntry;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The router behind the global start guard: starts beyond the rate wait in the ledger, P1 first, and all start in order. */
class StartGuardRoutingTest {
    static final String DRAIN = TestEvents.envelope("tick", "aws.events", "Scheduled Event",
            "\"arn:aws:events:us-east-1:123456789012:rule/drain\"", "{}");

    final InMemoryLedger ledger = new InMemoryLedger();
    final RouterFakes.Notifications notifications = new RouterFakes.Notifications();
    final RouterFakes.Starter starter = new RouterFakes.Starter();
    final RouterFakes.Tags tags = new RouterFakes.Tags();
    final Map<String, String> env = new HashMap<>();
    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-02T05:00:00Z"));
    final Clock clock = GuardClock.of(now::get);
    IncidentRouter router;

    @BeforeEach
    void twoStartsAMinute() {
        env.put("LEDGER_TABLE", "ledger");
        env.put("TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr");
        env.put("DR_MODE", "enforce");
        env.put("PROTECTED_RESOURCES", "*");
        env.put("ROLLBACK_STATE_MACHINE_ARN", IncidentRouterTest.ROLLBACK_SM);
        env.put("MUTATING_STARTS_PER_MINUTE", "2");
        for (int i = 0; i < 5; i++) {
            tags.tag(functionArn("fn-" + i), "dr:protected", "true");
        }
        router = new IncidentRouter(Settings.from(env), TestEvents.DEPLOYMENT, tags, id -> java.util.Optional.empty(), ledger,
                notifications, starter, clock);
    }

    RouterResult route(String event) {
        advance(Duration.ofMillis(1)); // incidents open in arrival order
        return router.route(event);
    }

    @Test
    void route_should_queueBeyondTheRateAndStartP1First_when_moreIncidentsThanTokens() {
        // GIVEN four P2 alarms on four aliases, then a P1 manual rollback, at 2 starts a minute
        List<RouterResult> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(route(alarm("a" + i, "fn-" + i, "live", "ALARM", "2026-12-02T05:00:00.000+0000")));
        }
        RouterResult p1 = route(manual("m1", "{\"playbook\":\"rollback-lambda-alias\",\"functionName\":\"fn-4\",\"alias\":\"live\",\"severity\":\"P1\"}"));

        // THEN two start at once, the rest wait (recorded, with their lock), nothing is dropped
        assertThat(results).extracting(RouterResult::outcome).containsExactly(Outcome.STARTED, Outcome.STARTED, Outcome.QUEUED, Outcome.QUEUED);
        assertThat(p1.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(starter.calls).hasSize(2);
        assertThat(ledger.incident(p1.incidentId())).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.OPENED);
        assertThat(ledger.timeline(p1.incidentId())).extracting(TimelineEntry::outcome).containsExactly("opened", "queued");
        assertThat(ledger.lockHolder(functionArn("fn-4") + ":live")).contains(p1.incidentId());
        assertThat(ledger.queuedStarts("123456789012/us-east-1", 10)).extracting(q -> q.incidentId())
                .containsExactly(p1.incidentId(), results.get(2).incidentId(), results.get(3).incidentId());

        // WHEN a copy of a waiting alarm arrives, and the schedule drains before any time has passed
        RouterResult copy = route(alarm("a2-copy", "fn-2", "live", "ALARM", "2026-12-02T05:00:00.000+0000"));
        RouterResult early = route(DRAIN);
        // THEN the copy keeps its place and nothing more starts
        assertThat(copy.outcome()).isEqualTo(Outcome.QUEUED);
        assertThat(copy.incidentId()).isEqualTo(results.get(2).incidentId());
        assertThat(early.outcome()).isEqualTo(Outcome.DRAINED);
        assertThat(starter.calls).hasSize(2);
        assertThat(ledger.queuedStarts("123456789012/us-east-1", 10)).hasSize(3);

        // WHEN a minute passes: two tokens
        advance(Duration.ofMinutes(1));
        route(DRAIN);
        // THEN the P1 starts first, then the oldest P2
        assertThat(starter.calls).extracting(RouterFakes.Starter.Call::name).containsExactly(results.get(0).incidentId(),
                results.get(1).incidentId(), p1.incidentId(), results.get(2).incidentId());
        assertThat(ledger.incident(p1.incidentId())).get().extracting(i -> i.status()).isEqualTo(IncidentStatus.INVESTIGATING);
        assertThat(ledger.timeline(p1.incidentId())).extracting(TimelineEntry::outcome).containsExactly("opened", "queued", "started");

        // WHEN another half minute passes: one token, one waiting start
        advance(Duration.ofSeconds(30));
        RouterResult last = route(DRAIN);
        assertThat(last.reason()).contains(results.get(3).incidentId());
        assertThat(starter.calls).hasSize(5);
        assertThat(ledger.queuedStarts("123456789012/us-east-1", 10)).isEmpty();
        assertThat(notifications.sent).hasSize(5);
    }

    @Test
    void route_should_startAtOnce_when_tokensLeftAndNothingWaits() {
        RouterResult r = route(alarm("a0", "fn-0", "live", "ALARM", "2026-12-02T05:00:00.000+0000"));
        assertThat(r.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(ledger.bucket("123456789012/us-east-1")).get().satisfies(b -> assertThat(b.tokens()).isEqualTo(1.0));
    }

    void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }
}
