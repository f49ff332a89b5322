package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Lazy;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Cut-over by configuration: points consumers at the restored endpoint where they read it, a Secrets
 * Manager secret's {@code host}, an SSM parameter, or a Lambda environment variable (through the alias its
 * consumers invoke). A URL keeps its scheme, credentials, port and path; only the host changes. Two actions:
 * {@code plan} (read-only but for an unaliased function's copy of its old configuration) checks the consumer
 * can be moved and names the version holding the value in use, which the playbook records before any change;
 * {@code apply} starts from that recorded version, so a retried step neither re-reads the new value as the old
 * one nor writes twice. Results (state output, execution history, timeline) hold only the host/port change and
 * version ids, never a value: a URL may carry a password.
 * Input {@code {"action": "plan"|"apply", "incidentId", "cutoverConfig", "previousVersion", "endpoint", "port"}}; both
 * playbooks that cut over by configuration (restore, fail-over-database) record the plan between the two.
 */
public final class ConfigCutoverHandler extends JsonStepHandler {
    private static final Pattern URL_HOST = Pattern.compile("(://(?:[^@/]*@)?)([^:/?#]+)");
    private final Supplier<SecretsManagerClient> secrets;
    private final Supplier<SsmClient> ssm;
    private final Supplier<LambdaClient> lambda;

    public ConfigCutoverHandler() {
        this(Lazy.of(() -> AwsClients.create(SecretsManagerClient.builder())), Lazy.of(() -> AwsClients.create(SsmClient.builder())),
                Lazy.of(() -> AwsClients.create(LambdaClient.builder())));
    }

    public ConfigCutoverHandler(Supplier<SecretsManagerClient> secrets, Supplier<SsmClient> ssm, Supplier<LambdaClient> lambda) {
        this.secrets = secrets;
        this.ssm = ssm;
        this.lambda = lambda;
    }

    @Override
    protected Object handle(JsonNode event) {
        RestoreRequest request = RestoreRequest.parse(Json.object().put("instanceId", "x").put("restoreTime", "latest")
                .put("cutover", "config").<ObjectNode>set("verify", Json.object().put("secretId", "x"))
                .set("cutoverConfig", event.get("cutoverConfig")));
        ConsumerCutover consumer = consumer(request.cutoverConfig(), required(event, "incidentId"));
        String action = required(event, "action");
        return switch (action) {
            case "plan" -> Json.object().put("kind", request.cutoverConfig().kind()).put("target", target(request.cutoverConfig()))
                    .put("previousVersion", consumer.plan());
            case "apply" -> consumer.apply(required(event, "previousVersion"), required(event, "endpoint"), Json.text(event, "port"));
            default -> throw new IllegalArgumentException("action must be plan or apply, got " + action);
        };
    }

    private ConsumerCutover consumer(RestoreRequest.CutoverConfig config, String incidentId) {
        return switch (config.kind()) {
            case "secret" -> new SecretHostCutover(secrets, config.secretId(), incidentId);
            case "parameter" -> new ParameterCutover(ssm, config.parameterName());
            default -> new LambdaVariableCutover(lambda, config.functionName(), config.variable(), config.alias(), incidentId);
        };
    }

    private static String target(RestoreRequest.CutoverConfig config) {
        return switch (config.kind()) {
            case "secret" -> config.secretId();
            case "parameter" -> config.parameterName();
            default -> config.functionName() + (config.alias() == null ? "" : ":" + config.alias());
        };
    }

    /** The host a value names: a URL's host, or a bare value as it is. Never the URL (it may carry a password). */
    static String host(String value) {
        if (value != null && value.contains("://")) {
            Matcher m = URL_HOST.matcher(value);
            if (m.find()) {
                return m.group(2);
            }
        }
        return value;
    }

    /** In a URL only the host changes; a bare value is replaced by the endpoint. */
    static String replaceHost(String value, String endpoint) {
        if (value != null && value.contains("://")) {
            Matcher m = URL_HOST.matcher(value);
            if (m.find()) {
                return value.substring(0, m.start(2)) + endpoint + value.substring(m.end(2));
            }
        }
        return endpoint;
    }

    /** What changed, as host/port deltas only. */
    static ObjectNode result(String kind, String target, String oldHost, String newHost, String oldPort, String newPort,
                                     String previousVersion, String newVersion, String undo) {
        String change = "host " + oldHost + " -> " + newHost
                + (newPort == null || newPort.equals(oldPort) ? "" : ", port " + oldPort + " -> " + newPort);
        return Json.object().put("kind", kind).put("target", target).put("change", change)
                .put("previousVersion", previousVersion).put("newVersion", newVersion).put("undo", undo);
    }
}
