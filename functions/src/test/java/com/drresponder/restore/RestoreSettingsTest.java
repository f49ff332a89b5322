package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RestoreSettingsTest {
    @Test
    void localDatabaseAddress_should_beOff_when_deploymentDoesNotSetIt() {
        // the stack never sets LOCAL_DATABASE_ADDRESS: verification then connects to the endpoints RDS reports
        RestoreSettings settings = RestoreSettings.from(Map.of("PROTECTED_RESOURCES", "orders-db"));
        assertThat(settings.localDatabaseAddress()).isNull();
        assertThat(settings.protectionTagKey()).isEqualTo("dr:protected");
        assertThat(settings.protectedResources()).containsExactly("orders-db");
        assertThat(settings.withoutApproval()).isEmpty();
        // AND snapshots are kept 30 days, as the stack's default (infra-cdk DrConfig.DEFAULT_SNAPSHOT_RETENTION_DAYS)
        assertThat(settings.snapshotRetention()).isEqualTo(java.time.Duration.ofDays(30));
    }

    @Test
    void from_should_readTheSnapshotRetention_and_refuseLessThanADay() {
        assertThat(RestoreSettings.from(Map.of(RestoreSettings.SNAPSHOT_RETENTION_VARIABLE, "7")).snapshotRetention())
                .isEqualTo(java.time.Duration.ofDays(7));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RestoreSettings.from(Map.of(RestoreSettings.SNAPSHOT_RETENTION_VARIABLE, "0")))
                .hasMessageContaining("SNAPSHOT_RETENTION_DAYS must be a whole number >= 1");
    }

    @Test
    void from_should_readLocalAddressAndApprovalList_when_set() {
        RestoreSettings settings = RestoreSettings.from(Map.of(VerifyDatabaseHandler.LOCAL_ADDRESS, "localhost:5432",
                RestorePlanner.WITHOUT_APPROVAL_VARIABLE, "rename, config"));
        assertThat(settings.localDatabaseAddress()).isEqualTo("localhost:5432");
        assertThat(settings.withoutApproval()).isEqualTo(Set.of("rename", "config"));
    }
}
