package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input never reaches AWS: exit 2 and a message naming the field and what is allowed (the playbooks' own validators). */
class DrctlInputTest {
    @TempDir Path dir;

    /** Each case: what the operator typed, the exit code, and what the error must say. */
    static Stream<Arguments> badInput() {
        return Stream.of(
                bad("alias only digits", 2, List.of("rollback", "--function", "checkout-api", "--alias", "123"), "alias:", "not only digits", "\"123\""),
                bad("target version $LATEST", 2, List.of("rollback", "--function", "checkout-api", "--alias", "live", "--to-version", "$LATEST"),
                        "targetVersion:", "published version number"),
                bad("required option missing", 2, List.of("rollback", "--function", "checkout-api"), "--alias"),
                bad("unknown cut-over", 2, List.of("restore", "--cluster", "orders-db", "--to", "latest", "--cutover", "swap"),
                        "cutover: must be one of none, rename, config"),
                bad("restore time not ISO", 2, List.of("restore", "--instance", "billing-db", "--to", "yesterday"), "restoreTime:", "ISO-8601"),
                bad("snapshot and restore time", 2, List.of("restore", "--cluster", "orders-db", "--to", "latest", "--from-snapshot", "latest"),
                        "restoreTime: is not used with source.snapshot"),
                bad("snapshot of another account", 2, List.of("restore", "--cluster", "orders-db", "--from-snapshot",
                        "arn:aws:rds:us-east-1:999999999999:cluster-snapshot:theirs"), "source.snapshot: must be \"latest-automated\" or a snapshot identifier"),
                bad("cluster and instance", 2, List.of("restore", "--cluster", "orders-db", "--instance", "billing-db", "--to", "latest"),
                        "clusterId: give exactly one of clusterId"),
                bad("failover to the primary", 2, List.of("failover", "--instance", "orders-db", "--to", "orders-db"),
                        "to: must name a replica or reader, not the primary itself"),
                bad("Aurora failover with a config cut-over", 2, List.of("failover", "--cluster", "orders-db", "--cutover", "config",
                        "--cutover-config", "{\"parameterName\": \"/orders/db\"}"), "cutover: an Aurora failover keeps the cluster endpoints"),
                bad("drill without database", 2, List.of("drill"), "clusterId"),
                bad("failover drill onto a real replica", 2, List.of("failover", "--instance", "orders-db", "--drill", "--to", "orders-db-replica"),
                        "mode: a drill promotes only the replica it makes"),
                bad("respond without secrets or tag", 2, List.of("respond"), "secretIds: give exactly one of secretIds (a list) or tag (key=value)"),
                bad("tag without value", 2, List.of("respond", "--tag", "app"), "tag:", "key=value"),
                bad("unknown severity", 2, List.of("rollback", "--function", "f", "--alias", "live", "--severity", "urgent"),
                        "severity: must be one of P1, P2, P3, P4"),
                bad("unknown output format", 2, List.of("incidents", "--output", "yaml"), "text, json"),
                bad("local mode without a local responder", 3, List.of("--local", "incidents"), "drctl local up"));
    }

    @org.junit.jupiter.api.Test
    void fromSnapshot_should_askForTheNewestAutomatedSnapshot_when_latest() {
        RestoreCommand latest = new RestoreCommand();
        latest.fromSnapshot = "latest";
        latest.cutover = new CutoverOptions();
        com.fasterxml.jackson.databind.node.ObjectNode detail = com.drresponder.common.Json.object();
        latest.putInto(detail);
        assertThat(detail.path("source").path("snapshot").asText()).isEqualTo("latest-automated");
        assertThat(detail.has("restoreTime")).isFalse();
        latest.fromSnapshot = "orders-db-before-upgrade";
        latest.putInto(detail);
        assertThat(detail.path("source").path("snapshot").asText()).isEqualTo("orders-db-before-upgrade");
    }

    private static Arguments bad(String what, int exitCode, List<String> args, String... says) {
        return Arguments.of(what, exitCode, args, List.of(says));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void drctl_should_exitNamingTheProblem_when_inputIsBad(String what, int exitCode, List<String> args, List<String> says) {
        Cli.Run r = Cli.run(dir.resolve("drctl.json"), args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(exitCode);
        says.forEach(text -> assertThat(r.err()).contains(text));
    }
}
