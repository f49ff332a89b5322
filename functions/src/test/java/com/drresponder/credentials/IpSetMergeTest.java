package com.drresponder.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.common.Json;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IpSetMergeTest {
    @Test
    void merge_should_addNewAddressesKeepExistingAndGiveUndo_when_someAlreadyBlocked() {
        // GIVEN
        IpSetMerge merge = new IpSetMerge(Clock.fixed(Instant.parse("2024-03-15T14:00:00Z"), ZoneOffset.UTC), Duration.ofHours(24));
        // WHEN
        IpSetMerge.Result r = merge.merge(Json.MAPPER.valueToTree(Map.of("existing", List.of("192.0.2.1/32"),
                "add", List.of("192.0.2.1/32", "198.51.100.23/32"), "ipSetName", "blocklist", "ipSetId", "id-1", "scope", "REGIONAL")));
        // THEN
        assertThat(r.addresses()).containsExactly("192.0.2.1/32", "198.51.100.23/32");
        assertThat(r.added()).containsExactly("198.51.100.23/32");
        assertThat(r.alreadyBlocked()).containsExactly("192.0.2.1/32");
        assertThat(r.expiresAt()).isEqualTo("2024-03-16T14:00:00Z");
        assertThat(r.undo()).contains("update-ip-set --name blocklist --id id-1 --scope REGIONAL").endsWith("--addresses 192.0.2.1/32");
    }
}
