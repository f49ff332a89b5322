package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CredentialSettingsTest {
    @Test
    void from_should_useDocumentedDefaults_when_nothingIsSet() {
        assertThat(CredentialSettings.from(Map.of())).isEqualTo(new CredentialSettings("dr:protected", Set.of(), Duration.ofMinutes(30),
                Duration.ofHours(24), List.of(), 50, 60));
    }

    @Test
    void from_should_readEveryVariable_when_set() {
        CredentialSettings settings = CredentialSettings.from(Map.of("PROTECTION_TAG_KEY", "team:dr", "PROTECTED_RESOURCES", "a,b",
                "CREDENTIAL_COOLDOWN_MINUTES", "0", "BLOCK_HOURS", "2", "WAF_SAFELIST", "192.0.2.0/24",
                "WAF_MAX_BLOCKS_PER_INCIDENT", "5", "ROTATION_MAX_CHECKS", "9"));
        assertThat(settings).isEqualTo(new CredentialSettings("team:dr", Set.of("a", "b"), Duration.ZERO, Duration.ofHours(2),
                List.of("192.0.2.0/24"), 5, 9));
    }

    @Test
    void from_should_failNamingTheVariable_when_maxBlocksIsNotANumber() {
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("WAF_MAX_BLOCKS_PER_INCIDENT", "many")))
                .hasMessageContaining("WAF_MAX_BLOCKS_PER_INCIDENT");
    }

    @Test
    void from_should_failNamingTheVariable_when_blockHoursOrRotationChecksAreInvalid() {
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("BLOCK_HOURS", "0"))).hasMessageContaining("BLOCK_HOURS must be a whole number >= 1");
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("WAF_MAX_BLOCKS_PER_INCIDENT", "0")))
                .hasMessageContaining("WAF_MAX_BLOCKS_PER_INCIDENT must be a whole number >= 1");
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("ROTATION_MAX_CHECKS", "soon"))).hasMessageContaining("ROTATION_MAX_CHECKS");
        assertThatThrownBy(() -> CredentialSettings.from(Map.of("ROTATION_MAX_CHECKS", String.valueOf(com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS + 1))))
                .hasMessageContaining("ROTATION_MAX_CHECKS must be a whole number from 1 to " + com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS);
        assertThat(CredentialSettings.from(Map.of("ROTATION_MAX_CHECKS", String.valueOf(com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS)))
                .rotationMaxChecks()).isEqualTo(com.drresponder.catalog.Catalog.MAX_ROTATION_CHECKS);
    }
}
