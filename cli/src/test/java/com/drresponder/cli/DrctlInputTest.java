package com.drresponder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input never reaches AWS: exit 2 and a message naming the field and what is allowed (the playbooks' own validators). */
class DrctlInputTest {
    @TempDir Path dir;

    Cli.Run drctl(String... args) {
        return Cli.run(dir.resolve("drctl.json"), args);
    }

    @Test
    void rollback_should_exit2NamingAlias_when_aliasIsOnlyDigits() {
        Cli.Run r = drctl("rollback", "--function", "checkout-api", "--alias", "123");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("alias:").contains("not only digits").contains("\"123\"");
    }

    @Test
    void rollback_should_exit2NamingTargetVersion_when_versionIsLatest() {
        Cli.Run r = drctl("rollback", "--function", "checkout-api", "--alias", "live", "--to-version", "$LATEST");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("targetVersion:").contains("published version number");
    }

    @Test
    void rollback_should_exit2_when_requiredOptionMissing() {
        Cli.Run r = drctl("rollback", "--function", "checkout-api");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--alias");
    }

    @Test
    void restore_should_exit2NamingCutoverAndAllowedValues_when_cutoverUnknown() {
        Cli.Run r = drctl("restore", "--cluster", "orders-db", "--to", "latest", "--cutover", "swap");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("cutover: must be one of none, rename, config");
    }

    @Test
    void restore_should_exit2NamingRestoreTime_when_timeNotIso() {
        Cli.Run r = drctl("restore", "--instance", "billing-db", "--to", "yesterday");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("restoreTime:").contains("ISO-8601");
    }

    @Test
    void restore_should_exit2NamingClusterId_when_bothClusterAndInstance() {
        Cli.Run r = drctl("restore", "--cluster", "orders-db", "--instance", "billing-db", "--to", "latest");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("clusterId: give exactly one of clusterId");
    }

    @Test
    void failover_should_exit2NamingTo_when_itIsThePrimary() {
        Cli.Run r = drctl("failover", "--instance", "orders-db", "--to", "orders-db");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("to: must name a replica or reader, not the primary itself");
    }

    @Test
    void failover_should_exit2NamingCutover_when_clusterWouldCutOverByConfig() {
        Cli.Run r = drctl("failover", "--cluster", "orders-db", "--cutover", "config", "--cutover-config", "{\"parameterName\": \"/orders/db\"}");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("cutover: an Aurora failover keeps the cluster endpoints");
    }

    @Test
    void drill_should_exit2_when_noDatabaseGiven() {
        Cli.Run r = drctl("drill");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("clusterId");
    }

    @Test
    void respond_should_exit2NamingSecretIds_when_neitherSecretNorTag() {
        Cli.Run r = drctl("respond");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("secretIds: give exactly one of secretIds (a list) or tag (key=value)");
    }

    @Test
    void respond_should_exit2NamingTag_when_tagHasNoValue() {
        Cli.Run r = drctl("respond", "--tag", "app");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("tag:").contains("key=value");
    }

    @Test
    void severity_should_exit2ListingAllowedValues_when_unknown() {
        Cli.Run r = drctl("rollback", "--function", "f", "--alias", "live", "--severity", "urgent");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("severity: must be one of P1, P2, P3, P4");
    }

    @Test
    void output_should_exit2ListingFormats_when_unknown() {
        Cli.Run r = drctl("incidents", "--output", "yaml");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("text, json");
    }

    @Test
    void local_should_exit3WithHowToStart_when_noLocalResponderRunning() {
        Cli.Run r = drctl("--local", "incidents");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.err()).contains("drctl local up");
    }
}
