package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class RotationTimelineTest {
    static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db/orders-AbCdEf";

    static ObjectNode item(String kind, String... tokens) {
        ObjectNode item = Json.object().put("incidentId", "inc-1").put("secretId", ARN).put("name", "db/orders").put("kind", kind);
        tokens = tokens.length == 0 ? new String[] {"tok-1"} : tokens;
        for (String t : tokens) {
            item.withArray("tokens").add(t);
        }
        item.putObject("startVersions").put("current", "v-leaked").put("previous", "v-older");
        return item;
    }

    @Test
    void withEntries_should_writeTheIntentAndUndoAhead_when_theNextStepIsARotateSecret() {
        // GIVEN check-rotation decided to rotate (first call of the first pass)
        RotationProgress.Status status = new RotationProgress.Status(RotationProgress.State.rotate, "tok-1", 0, 1, 1, null, null);

        // WHEN
        JsonNode out = RotationTimeline.withEntries(item("function"), status);

        // THEN the status is unchanged, and the timeline texts name the secret, the token and the way back, never a value
        assertThat(out.path("state").asText()).isEqualTo("rotate");
        assertThat(out.path("token").asText()).isEqualTo("tok-1");
        assertThat(out.path("rotateCalls").asInt()).isEqualTo(1);
        assertThat(out.path("intent").asText()).isEqualTo("Rotating secret db/orders: RotateSecret with ClientRequestToken tok-1,"
                + " attempt 1; AWSCURRENT at the start: v-leaked");
        assertThat(out.path("undo").asText()).contains("aws secretsmanager update-secret-version-stage --secret-id db/orders"
                + " --version-stage AWSCURRENT --move-to-version-id v-leaked --remove-from-version-id tok-1").startsWith("Not undone on purpose");
        assertThat(out.has("outcome")).isFalse();
    }

    @Test
    void withEntries_should_nameThePass_when_alternatingUsersRotateTwice() {
        RotationProgress.Status second = new RotationProgress.Status(RotationProgress.State.rotate, "tok-2", 1, 0, 1, null, null);

        JsonNode out = RotationTimeline.withEntries(item("managed", "tok-1", "tok-2"), second);

        assertThat(out.path("intent").asText()).startsWith("Rotating RDS-managed secret db/orders (pass 2 of 2, for the other user)")
                .contains("ClientRequestToken tok-2");
    }

    @Test
    void withEntries_should_recordTheOutcome_when_theRotationIsDone() {
        RotationProgress.Status done = new RotationProgress.Status(RotationProgress.State.done, "tok-2", 1, 2, 1, "tok-2", null);

        JsonNode out = RotationTimeline.withEntries(item("function", "tok-1", "tok-2"), done);

        assertThat(out.path("outcome").asText()).isEqualTo("Rotated secret db/orders: AWSCURRENT is now version tok-2, was v-leaked;"
                + " both users' passwords changed (2 passes); verification follows");
        assertThat(out.has("intent")).isFalse();
        assertThat(out.has("undo")).isFalse();
    }

    @Test
    void withEntries_should_addNothing_when_waitingOrEscalating() {
        for (RotationProgress.State state : new RotationProgress.State[] {RotationProgress.State.wait, RotationProgress.State.escalate}) {
            JsonNode out = RotationTimeline.withEntries(item("function"),
                    new RotationProgress.Status(state, "tok-1", 0, 3, 1, null, state == RotationProgress.State.escalate ? "stuck" : null));
            assertThat(out.has("intent") || out.has("undo") || out.has("outcome")).as(state.name()).isFalse();
        }
    }

    @Test
    void entries_should_surviveTheTimelinesRedactor_when_recorded() {
        // the timeline masks "secret:<value>" (an ARN's tail) and "token=<value>": the texts must come through whole
        RotationProgress.Status status = new RotationProgress.Status(RotationProgress.State.rotate, "tok-1", 0, 1, 1, null, null);
        JsonNode out = RotationTimeline.withEntries(item("function"), status);
        for (String field : new String[] {"intent", "undo"}) {
            assertThat(com.drresponder.notify.SecretRedactor.redact(out.path(field).asText())).isEqualTo(out.path(field).asText());
        }
    }

    @Test
    void undo_should_sayThereIsNothingToGoBackTo_when_theSecretHadNoCurrentVersion() {
        assertThat(RotationTimeline.undo("db/orders", null, "tok-1")).startsWith("Not undone").doesNotContain("update-secret-version-stage");
    }
}
