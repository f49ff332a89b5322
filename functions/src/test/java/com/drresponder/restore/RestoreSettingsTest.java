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
    }

    @Test
    void from_should_readLocalAddressAndApprovalList_when_set() {
        RestoreSettings settings = RestoreSettings.from(Map.of(VerifyDatabaseHandler.LOCAL_ADDRESS, "localhost:5432",
                RestorePlanner.WITHOUT_APPROVAL_VARIABLE, "rename, config"));
        assertThat(settings.localDatabaseAddress()).isEqualTo("localhost:5432");
        assertThat(settings.withoutApproval()).isEqualTo(Set.of("rename", "config"));
    }
}
