package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.ledger.InMemoryLedger;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** plan-rollback names the CodeDeploy deployment group of a function tagged dr:codedeploy-group, so the playbook can defer to it. */
class PlanRollbackCodeDeployTest {
    static final String FN = "arn:aws:lambda:us-east-1:123456789012:function:checkout-api";

    static RollbackPlanning planning(Map<String, String> tags) {
        LambdaAliases aliases = new LambdaAliases() {
            @Override
            public AliasState read(String functionName, String alias) {
                return new AliasState(FN + ":live", "3", "rev", Map.of(), List.of("1", "2", "3"));
            }

            @Override
            public Map<String, String> tags(String functionArn) {
                assertThat(functionArn).isEqualTo(FN);
                return tags;
            }
        };
        return new RollbackPlanning(aliases, new InMemoryLedger(), new RollbackPlanner(new RollbackGuardrails(Duration.ofMinutes(30), 3)),
                Clock.fixed(Instant.parse("2026-12-02T06:00:00Z"), ZoneOffset.UTC),
                new AlarmReader(null), new TriggerFreshness(Duration.ofMinutes(15))); // no alarm in these requests: never read
    }

    static JsonNode request() {
        return Json.object().put("incidentId", "i-1").put("functionName", "checkout-api").put("alias", "live");
    }

    @Test
    void plan_should_nameTheDeploymentGroup_when_functionIsTagged() {
        JsonNode plan = planning(Map.of(RollbackPlanning.CODEDEPLOY_TAG, "checkout-app/checkout-live")).plan(request());

        assertThat(plan.path("action").asText()).isEqualTo("rollback");
        assertThat(plan.path("codeDeploy").path("application").asText()).isEqualTo("checkout-app");
        assertThat(plan.path("codeDeploy").path("deploymentGroup").asText()).isEqualTo("checkout-live");
        assertThat(plan.path("codeDeploy").path("undo").asText()).as("the write-ahead record's undo: redeploy the version now live")
                .isEqualTo("redeploy through CodeDeploy (aws deploy create-deployment) once the fault in version "
                        + plan.path("fromVersion").asText() + " is fixed");
    }

    @Test
    void plan_should_nameNoDeploymentGroup_when_functionIsNotTagged() {
        assertThat(planning(Map.of()).plan(request()).has("codeDeploy")).isFalse();
    }

    @Test
    void plan_should_fail_when_tagIsMalformed() {
        assertThatThrownBy(() -> planning(Map.of(RollbackPlanning.CODEDEPLOY_TAG, "checkout-app")).plan(request()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("<application>/<deployment group>");
    }
}
