package com.drresponder.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.admission.Deployment;
import com.drresponder.admission.ManualRequests;
import com.drresponder.common.Json;
import com.drresponder.playbook.FailoverRequest;
import com.drresponder.playbook.InvalidRequestException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** The failover request at the trust boundary: strict fields, one database, cut-over rules. */
class FailoverRequestTest {
    final ManualRequests requests = new ManualRequests(new Deployment("aws", "123456789012", "eu-west-1"));

    @Test
    void admit_should_lockTheCanonicalPrimary_when_valid() {
        ObjectNode request = Json.object().put("instanceId", "Orders-DB").put("to", "orders-db-replica").put("dryRun", true);
        ManualRequests.Admitted admitted = requests.admit(FailoverRequest.PLAYBOOK, request, ManualRequests.Channel.EVENT);
        assertThat(admitted.resource().lockKey()).isEqualTo("arn:aws:rds:eu-west-1:123456789012:db:orders-db");
        assertThat(admitted.input().get("instanceId").asText()).isEqualTo("orders-db");
        assertThat(admitted.dryRun()).isTrue();
    }

    @Test
    void admit_should_rejectUnknownAndFindingFields() {
        assertThatThrownBy(() -> requests.admit(FailoverRequest.PLAYBOOK, Json.object().put("instanceId", "orders-db").put("targetRegion", "us-east-1"),
                ManualRequests.Channel.EVENT)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("targetRegion")
                .hasMessageContaining("is not a known field of fail-over-database");
        assertThatThrownBy(() -> requests.admit(FailoverRequest.PLAYBOOK, Json.object().put("instanceId", "orders-db").put("database", "x"),
                ManualRequests.Channel.EVENT)).isInstanceOf(InvalidRequestException.class).hasMessageContaining("only a GuardDuty finding sets it");
    }

    @Test
    void parse_should_rejectBadIdentifiersAndCombinations() {
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("clusterId", "orders")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("exactly one of clusterId");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("to", "x;drop")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("to");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("to", "ORDERS-DB")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("not the primary itself");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("clusterId", "orders").put("cutover", "config")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("keeps the cluster endpoints");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("cutover", "rename")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("is required with cutover \"rename\"");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("clusterId", "orders").put("cutover", "rename")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("keeps the cluster endpoints");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("cutover", "swap")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cutover");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("cutover", "config")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("cutoverConfig");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("acceptLag", "yes")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("acceptLag");
    }

    @Test
    void parse_should_requireVerification_and_refuseToleranceChecks_when_cuttingOver() {
        ObjectNode request = Json.object().put("instanceId", "orders-db").put("cutover", "config");
        request.putObject("cutoverConfig").put("parameterName", "/orders/db-host");
        assertThatThrownBy(() -> FailoverRequest.parse(request)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("nobody is pointed at a promoted database that was not checked");
        request.putObject("verify").put("secretId", "orders-db/verify").putObject("rowCounts").putObject("orders").put("tolerancePercent", 5);
        assertThatThrownBy(() -> FailoverRequest.parse(request)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("use minimum row counts");
    }

    @Test
    void parse_should_acceptRenameCutover_when_anInstanceIsVerified() {
        ObjectNode request = Json.object().put("instanceId", "orders-db").put("cutover", "rename");
        request.putObject("verify").put("secretId", "orders-db/verify").putObject("rowCounts").put("orders", 1);
        assertThat(FailoverRequest.parse(request).cutover()).isEqualTo("rename");
    }

    @Test
    void parse_should_limitADrillToAnInstance_withoutTarget_orCutover() {
        assertThat(FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("mode", "drill")).drill()).isTrue();
        assertThat(FailoverRequest.parse(Json.object().put("instanceId", "orders-db")).drill()).isFalse();
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("clusterId", "orders").put("mode", "drill")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("give instanceId, not clusterId");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("mode", "drill").put("to", "orders-db-replica")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("promotes only the replica it makes");
        assertThatThrownBy(() -> FailoverRequest.parse(Json.object().put("instanceId", "orders-db").put("mode", "rehearsal")))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("mode");
    }
}
