package com.drresponder.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.events.RepositoryFiles;
import com.drresponder.ledger.InMemoryLedger;
import com.drresponder.router.RouterResult.Outcome;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The deployment's findingActions, through the router: what a finding type may do is what the playbook input asks for. */
class FindingActionsRoutingTest {
    static final String ROLE_ARN = "arn:aws:iam::123456789012:role/orders-app-instance-role";
    static final String CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";

    final RouterFakes.Starter starter = new RouterFakes.Starter();

    RouterResult route(String sample, String findingActions) {
        Map<String, String> env = new HashMap<>(Map.of("LEDGER_TABLE", "ledger", "TOPIC_ARN", "arn:aws:sns:us-east-1:123456789012:dr",
                "DR_MODE", "enforce", "PROTECTED_RESOURCES", "*",
                "CREDENTIALS_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:respond-to-credential-compromise"));
        if (findingActions != null) {
            env.put("FINDING_ACTIONS", findingActions);
        }
        RouterFakes.Tags tags = new RouterFakes.Tags().tag(ROLE_ARN, "dr:protected", "true").tag(CLUSTER_ARN, "dr:protected", "true");
        IncidentRouter router = new IncidentRouter(Settings.from(env), TestEvents.DEPLOYMENT, tags,
                id -> id.startsWith("orders-db-instance") ? Optional.of("orders-db") : Optional.empty(), new InMemoryLedger(),
                new RouterFakes.Notifications(), starter, Clock.fixed(Instant.parse("2026-11-22T03:00:00Z"), ZoneOffset.UTC));
        return router.route(RepositoryFiles.read("events/samples/guardduty/" + sample));
    }

    List<String> startedActions() throws Exception {
        JsonNode input = Json.MAPPER.readTree(starter.calls.get(0).input());
        List<String> actions = new ArrayList<>();
        input.get("actions").forEach(a -> actions.add(a.asText()));
        return actions;
    }

    @Test
    void route_should_askForEveryContainment_when_findingActionsAreTheDefault() throws Exception {
        // WHEN a credential-exfiltration finding is routed with FINDING_ACTIONS unset
        RouterResult result = route("iam-credential-exfiltration.json", null);

        // THEN the playbook revokes, rotates and blocks, as before findingActions existed
        assertThat(result.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(startedActions()).containsExactly("deactivate-access-key", "rotate-principal-secrets", "block-ips");
        assertThat(Json.MAPPER.readTree(starter.calls.get(0).input()).get("blockIps")).hasSize(1);
    }

    @Test
    void route_should_dropTheRestrictedActions_when_findingActionsRestrictTheType() throws Exception {
        // GIVEN a deployment whose IAM-user findings only rotate
        String config = "{\"UnauthorizedAccess:IAMUser/\":[\"rotate-secrets\",\"notify\"]}";

        // WHEN the finding is routed
        RouterResult result = route("iam-credential-exfiltration.json", config);

        // THEN no revocation and no IP block is asked for, and no address is passed on
        assertThat(result.outcome()).isEqualTo(Outcome.STARTED);
        assertThat(startedActions()).containsExactly("rotate-principal-secrets");
        assertThat(Json.MAPPER.readTree(starter.calls.get(0).input()).get("blockIps")).isEmpty();
    }

    @Test
    void route_should_ignoreTheFinding_when_noFindingActionsPrefixMatches() {
        // GIVEN a deployment that answers RDS findings only
        RouterResult result = route("iam-credential-exfiltration.json", "{\"CredentialAccess:RDS/\":[\"rotate-secrets\"]}");

        // THEN the IAM finding starts nothing and says why
        assertThat(result.outcome()).isEqualTo(Outcome.IGNORED);
        assertThat(result.reason()).contains("has no findingActions entry");
        assertThat(starter.calls).isEmpty();
    }

    @Test
    void route_should_notifyWithoutRotating_when_theFindingIsAFailedLogin() throws Exception {
        // WHEN failed logins from a malicious IP are reported, with the defaults and with a config rotating on CredentialAccess:
        route("rds-failed-login.json", null);
        route("rds-failed-login.json", "{\"CredentialAccess:\":[\"rotate-secrets\",\"notify\"]}");

        // THEN both start the playbook (which notifies) with nothing to rotate
        assertThat(starter.calls).hasSize(2);
        for (RouterFakes.Starter.Call call : starter.calls) {
            assertThat(Json.MAPPER.readTree(call.input()).get("actions")).isEmpty();
        }
        // AND a successful anomalous login still rotates the database's secrets
        route("rds-anomalous-login.json", null);
        assertThat(Json.MAPPER.readTree(starter.calls.get(2).input()).get("actions").toString()).contains("rotate-database-secrets");
    }
}
