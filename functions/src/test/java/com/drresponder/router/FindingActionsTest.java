package com.drresponder.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.events.RepositoryFiles;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FindingActionsTest {

    @Test
    void default_should_beTheMapTheExampleConfigurationStates() throws Exception {
        // GIVEN infra-cdk/dr-config.example.json, which states the deploy-time default
        Map<String, List<String>> example = Json.MAPPER.convertValue(
                Json.MAPPER.readTree(RepositoryFiles.read("infra-cdk/dr-config.example.json")).get("findingActions"),
                new TypeReference<Map<String, List<String>>>() {});

        // THEN the function's default (used when FINDING_ACTIONS is unset) is the same map
        assertThat(FindingActions.DEFAULT.asMap()).isEqualTo(example);
    }

    @Test
    void forType_should_useTheLongestMatchingPrefix_when_severalMatch() {
        // GIVEN a broad prefix and a narrower one
        FindingActions actions = FindingActions.fromEnvironment("{\"UnauthorizedAccess:\":[\"notify\"],"
                + "\"UnauthorizedAccess:IAMUser/\":[\"revoke-credentials\",\"notify\"]}");

        // THEN the narrower one decides, the broad one covers the rest, and an unmatched type gets nothing
        assertThat(actions.forType("UnauthorizedAccess:IAMUser/MaliciousIPCaller")).containsExactly("revoke-credentials", "notify");
        assertThat(actions.forType("UnauthorizedAccess:EC2/SSHBruteForce")).containsExactly("notify");
        assertThat(actions.forType("Recon:EC2/PortProbeUnprotectedPort")).isEmpty();
    }

    @Test
    void forType_should_neverRotate_when_aFailedLoginTypeMatchesOnlyABroaderPrefix() {
        // GIVEN a configuration that rotates on every credential-access finding
        FindingActions broad = FindingActions.fromEnvironment("{\"CredentialAccess:\":[\"rotate-secrets\",\"block-ip\",\"notify\"]}");

        // THEN a failed login (nothing leaked) keeps its other actions but does not rotate; a successful login rotates
        assertThat(broad.forType("CredentialAccess:RDS/MaliciousIPCaller.FailedLogin")).containsExactly("block-ip", "notify");
        assertThat(broad.forType("CredentialAccess:RDS/AnomalousBehavior.SuccessfulLogin")).contains("rotate-secrets");
        // AND the defaults only notify on failed logins
        assertThat(FindingActions.DEFAULT.forType("CredentialAccess:RDS/TorIPCaller.FailedLogin")).containsExactly("notify");
        assertThat(FindingActions.DEFAULT.forType("CredentialAccess:RDS/AnomalousBehavior.SuccessfulBruteForce")).contains("rotate-secrets");
    }

    @Test
    void forType_should_rotate_when_aFailedLoginTypeIsConfiguredToRotate() {
        // GIVEN an operator who chose to rotate on failed logins from malicious IPs
        FindingActions explicit = FindingActions.fromEnvironment("{\"CredentialAccess:RDS/MaliciousIPCaller.FailedLogin\":[\"rotate-secrets\"]}");

        // THEN that type rotates
        assertThat(explicit.forType("CredentialAccess:RDS/MaliciousIPCaller.FailedLogin")).containsExactly("rotate-secrets");
    }

    @Test
    void default_should_keepTheResponseToIamUserFindings_when_unconfigured() {
        assertThat(FindingActions.fromEnvironment(null)).isSameAs(FindingActions.DEFAULT);
        assertThat(FindingActions.DEFAULT.forType("Exfiltration:IAMUser/AnomalousBehavior"))
                .containsExactlyInAnyOrder("revoke-credentials", "rotate-secrets", "block-ip", "notify");
        assertThat(FindingActions.DEFAULT.forType("CredentialAccess:IAMUser/AnomalousBehavior")).contains("revoke-credentials");
    }

    @Test
    void fromEnvironment_should_failNamingTheVariable_when_malformed() {
        assertThatThrownBy(() -> FindingActions.fromEnvironment("[]")).hasMessageContaining("FINDING_ACTIONS must be a JSON object");
        assertThatThrownBy(() -> FindingActions.fromEnvironment("{\"Recon:\":[]}")).hasMessageContaining("FINDING_ACTIONS.Recon: must be a non-empty list");
        assertThatThrownBy(() -> FindingActions.fromEnvironment("{\"Recon:\":[\"nuke\"]}")).hasMessageContaining("unknown action \"nuke\"");
        assertThatThrownBy(() -> FindingActions.fromEnvironment("{nope")).hasMessageContaining("FINDING_ACTIONS must be a JSON object");
    }
}
