package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.drresponder.common.Json;
import com.drresponder.playbook.InvalidRequestException;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Every bad field fails with a message naming it. */
class RestoreRequestTest {
    static ObjectNode valid() {
        ObjectNode n = Json.object().put("clusterId", "orders-db").put("restoreTime", "latest").put("cutover", "none");
        n.putObject("verify").put("secretId", "orders-db/master");
        return n;
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of((Consumer<ObjectNode>) n -> n.put("instanceId", "b"), "clusterId: give exactly one of clusterId"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("restoreTime", "yesterday"), "restoreTime: must be \"latest\" or an ISO-8601"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "swap"), "cutover: must be one of none, rename, config"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config"), "cutoverConfig: is required when cutover is \"config\""),
                Arguments.of((Consumer<ObjectNode>) n -> n.putObject("cutoverConfig").put("secretId", "s"), "cutoverConfig: is only used with cutover \"config\""),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config").putObject("cutoverConfig").put("functionName", "f"), "cutoverConfig.variable: is required with functionName"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config").putObject("cutoverConfig").put("secretId", "s").put("parameterName", "/p"), "cutoverConfig: give exactly one of"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config").putObject("cutoverConfig").put("secretId", "s").put("alias", "live"), "cutoverConfig.alias: is only used with functionName"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config").putObject("cutoverConfig").put("functionName", "f").put("variable", "V").put("alias", "3"), "alias: must be the alias the function's consumers invoke"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "config").putObject("cutoverConfig").put("functionName", "f").put("variable", "V").put("alias", "live:1"), "alias: must be the alias"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("cutover", "rename").remove("verify"), "verify: is required with cutover \"rename\""),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("mode", "drill").put("restoreTime", "2026-11-22T03:00:00Z"), "restoreTime: a drill always restores \"latest\""),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("mode", "drill").put("cutover", "rename"), "cutover: a drill never cuts over"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("pollSeconds", 0), "pollSeconds: must be a whole number from 1 to 3600"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("timeoutMinutes", 2000), "timeoutMinutes: must be a whole number from 0 to 1440"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("instanceClass", "large"), "instanceClass: must be an instance class"),
                Arguments.of((Consumer<ObjectNode>) n -> n.put("targetId", "bad--name"), "targetId: must be an RDS identifier"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).remove("secretId"), "verify.secretId: is required"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).put("tables", "x"), "verify.tables: is not a known field"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).putObject("rowCounts").put("orders; drop table x", 1), "verify.rowCounts.orders; drop table x: table names must be plain SQL identifiers"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).putObject("rowCounts").put("orders", -1), "verify.rowCounts.orders: must be a minimum row count"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).putObject("maxUpdatedAt").put("table", "orders"), "column: is required"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).put("customSql", "DELETE FROM orders"), "verify.customSql: each entry must be a SELECT"),
                // the attacks of issue 10: where to connect is never the caller's to say, and a check is one read-only statement
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).put("jdbcUrlOverride", "jdbc:postgresql://attacker.example:5432/x"), "verify.jdbcUrlOverride: is not a known field"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).put("sourceJdbcUrlOverride", "jdbc:postgresql://attacker.example:5432/x"), "verify.sourceJdbcUrlOverride: is not a known field"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).put("customSql", "SELECT 1; DROP TABLE orders"), "verify.customSql: each entry must be exactly one SQL statement, got 2"),
                Arguments.of((Consumer<ObjectNode>) n -> ((ObjectNode) n.get("verify")).putArray("customSql").add("SELECT true").add("select 1;delete from orders"), "verify.customSql: each entry must be exactly one SQL statement, got 2"),
                // restore from a snapshot (issue 14): one source of data, only this account's snapshots, nothing unknown
                Arguments.of((Consumer<ObjectNode>) n -> n.putObject("source").put("snapshot", "latest-automated"), "restoreTime: is not used with source.snapshot"),
                Arguments.of((Consumer<ObjectNode>) n -> n.remove("restoreTime"), "restoreTime: is required"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").putObject("source").put("snapshot", "x").put("region", "eu-west-1"), "source.region: is not a known field; allowed: snapshot"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").putObject("source"), "source.snapshot: is required"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").put("source", "latest-automated"), "source: must be an object"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").putObject("source").put("snapshot", 7), "source.snapshot: must be \"latest-automated\" or a snapshot identifier"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").putObject("source")
                        .put("snapshot", "arn:aws:rds:us-east-1:999999999999:cluster-snapshot:theirs"), "source.snapshot: must be"),
                Arguments.of((Consumer<ObjectNode>) n -> n.<ObjectNode>without("restoreTime").put("mode", "drill").putObject("source").put("snapshot", "latest-automated"), "source: a drill restores the latest restorable time"));
    }

    @org.junit.jupiter.api.Test
    void parse_should_readSnapshotSource_when_givenInsteadOfRestoreTime() {
        ObjectNode request = valid();
        request.remove("restoreTime");
        request.putObject("source").put("snapshot", "rds:orders-db-2026-11-22-03-00");
        RestoreRequest parsed = RestoreRequest.parse(request);
        org.assertj.core.api.Assertions.assertThat(parsed.fromSnapshot()).isEqualTo("rds:orders-db-2026-11-22-03-00");
        org.assertj.core.api.Assertions.assertThat(parsed.restoreTime()).isNull();
        org.assertj.core.api.Assertions.assertThat(RestoreRequest.parse(valid()).fromSnapshot()).isNull();
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void parse_should_nameTheField_when_fieldIsBad(Consumer<ObjectNode> breakIt, String message) {
        ObjectNode request = valid();
        breakIt.accept(request);
        assertThatThrownBy(() -> RestoreRequest.parse(request)).isInstanceOf(InvalidRequestException.class).hasMessageStartingWith(message);
    }
}
