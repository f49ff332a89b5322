package com.drresponder.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SubstitutionsTest {

    @Test
    void apply_should_replaceEveryName_when_allSupplied() {
        String out = Substitutions.apply("{\"a\":\"${One}\",\"b\":\"${Two}-${One}\"}", Map.of("One", "1", "Two", "$2\\"));

        assertThat(out).isEqualTo("{\"a\":\"1\",\"b\":\"$2\\-1\"}");
    }

    @Test
    void apply_should_failNamingTheKey_when_aValueIsMissing() {
        assertThatThrownBy(() -> Substitutions.apply("x ${Known} ${Missing-Key} y", Map.of("Known", "k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("${Missing-Key}");
    }

    @Test
    void names_should_listEachNameOnce_when_usedTwice() {
        assertThat(Substitutions.names("${B} ${A} ${B} $A {C}")).containsExactly("B", "A");
    }
}
