package com.drresponder.credentials;

import com.drresponder.common.Environment;
import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Settings;
import com.drresponder.common.Telemetry;
import com.drresponder.ledger.DynamoDbLedger;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.wafv2.Wafv2Client;

/**
 * merge-ip-set, two triggers. The credential playbook's "Block addresses" step: input
 * {@code {incidentId, cidrs[], ipSets: {ipv4: {name, id, scope}, ipv6: {...}}}}, output {@link IpBlocker.Result}. The
 * stack's sweeper schedule: input {@code {sweep: true, ipSets: {...}}}, output the addresses removed.
 * Environment: {@code LEDGER_TABLE}, {@code BLOCK_HOURS} (default 24), {@code WAF_SAFELIST} (comma-separated CIDRs never
 * blocked), {@code WAF_MAX_BLOCKS_PER_INCIDENT} (default 50). Emits {@value #SET_SIZE_METRIC} (each set's size after a change).
 */
public final class MergeIpSetHandler extends JsonStepHandler {
    /** Addresses in a block list after a change (the largest of the two sets counts): the stack's WafIpSetHeadroom alarm watches it. */
    public static final String SET_SIZE_METRIC = "WafIpSetSize";
    private static final Set<String> FIELDS = Set.of("incidentId", "cidrs", "ipSets", "sweep");
    private final IpBlocker blocker;

    public MergeIpSetHandler() {
        this(CredentialSettings.from(Environment.variables()), Settings.fromEnvironment().ledgerTable());
    }

    private MergeIpSetHandler(CredentialSettings settings, String ledgerTable) {
        this(new IpBlocker(new Wafv2IpSets(AwsClients.create(Wafv2Client.builder())),
                new DynamoDbLedger(AwsClients.create(DynamoDbClient.builder()), ledgerTable), Clock.systemUTC(),
                settings.blockFor(), settings.wafSafelist(), settings.maxBlocksPerIncident())
                .onSetSize((set, size) -> Telemetry.metrics().addMetric(SET_SIZE_METRIC, size,
                        software.amazon.lambda.powertools.metrics.model.MetricUnit.COUNT)));
    }

    public MergeIpSetHandler(IpBlocker blocker) {
        this.blocker = blocker;
    }


    @Override
    protected Object handle(JsonNode in) {
        in.fieldNames().forEachRemaining(f -> {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field " + f);
            }
        });
        WafIpSets.Ref ipv4 = ref(in.path("ipSets").path("ipv4"));
        WafIpSets.Ref ipv6 = ref(in.path("ipSets").path("ipv6"));
        if (in.path("sweep").asBoolean(false)) {
            return Map.of("removed", blocker.sweep(List.of(ipv4, ipv6)));
        }
        String incidentId = Json.text(in, "incidentId");
        if (incidentId == null || !in.path("cidrs").isArray()) {
            throw new IllegalArgumentException("incidentId and cidrs[] are required");
        }
        List<String> cidrs = new ArrayList<>();
        in.get("cidrs").forEach(c -> cidrs.add(c.asText()));
        return blocker.block(incidentId, cidrs, ipv4, ipv6);
    }

    private static WafIpSets.Ref ref(JsonNode set) {
        String name = Json.text(set, "name");
        String id = Json.text(set, "id");
        String scope = Json.text(set, "scope");
        if (name == null || id == null || scope == null) {
            throw new IllegalArgumentException("ipSets.ipv4 and ipSets.ipv6 need name, id and scope");
        }
        return new WafIpSets.Ref(name, id, scope);
    }
}
