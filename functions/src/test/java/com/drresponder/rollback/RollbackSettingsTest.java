package com.drresponder.rollback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RollbackSettingsTest {
    @Test
    void from_should_useDocumentedDefaults_when_nothingIsSet() {
        RollbackSettings settings = RollbackSettings.from(Map.of());
        assertThat(settings.guardrails()).isEqualTo(new RollbackGuardrails(Duration.ofMinutes(30), 3));
        assertThat(settings.verifyWindow()).isEqualTo(Duration.ofSeconds(600));
        assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.rtoTarget()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.alarmMaxAge()).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void from_should_readEveryVariable_when_set() {
        RollbackSettings settings = RollbackSettings.from(Map.of("ROLLBACK_COOLDOWN_MINUTES", "5", "MAX_ROLLBACKS_PER_HOUR", "1",
                "VERIFY_WINDOW_SECONDS", "120", "VERIFY_POLL_SECONDS", "10", "LAMBDA_RTO_TARGET_MINUTES", "20",
                "ALARM_MAX_AGE_SECONDS", "60"));
        assertThat(settings).isEqualTo(new RollbackSettings(new RollbackGuardrails(Duration.ofMinutes(5), 1),
                Duration.ofSeconds(120), Duration.ofSeconds(10), Duration.ofMinutes(20), Duration.ofSeconds(60)));
    }

    @Test
    void from_should_failNamingTheVariable_when_pollIntervalIsZero() {
        assertThatThrownBy(() -> RollbackSettings.from(Map.of("VERIFY_POLL_SECONDS", "0"))).hasMessageContaining("VERIFY_POLL_SECONDS");
    }
}
