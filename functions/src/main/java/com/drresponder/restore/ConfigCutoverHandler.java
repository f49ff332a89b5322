package com.drresponder.restore;

import com.drresponder.common.JsonStepHandler;
import com.drresponder.common.AwsClients;
import com.drresponder.common.Json;
import com.drresponder.common.Lazy;
import com.drresponder.playbook.RestoreRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * Cut-over by configuration: points consumers at the restored endpoint where they read it, a Secrets
 * Manager secret's {@code host}, an SSM parameter, or a Lambda environment variable. A URL keeps its
 * scheme, credentials, port and path; only the host changes. The result (state output, execution history,
 * timeline) holds only the host/port change and the id of the version that keeps the old value (secret
 * version, parameter version, published function version), never a value: a URL may carry a password.
 * Input {@code {"cutoverConfig", "endpoint", "port"}}.
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
        RestoreRequest.CutoverConfig config = request.cutoverConfig();
        String endpoint = required(event, "endpoint");
        return switch (config.kind()) {
            case "secret" -> secret(config.secretId(), endpoint, Json.text(event, "port"));
            case "parameter" -> parameter(config.parameterName(), endpoint);
            default -> lambdaVariable(config.functionName(), config.variable(), endpoint);
        };
    }

    private ObjectNode secret(String secretId, String endpoint, String port) {
        var current = secrets.get().getSecretValue(r -> r.secretId(secretId));
        ObjectNode value;
        try {
            value = (ObjectNode) Json.MAPPER.readTree(current.secretString());
        } catch (IOException | ClassCastException e) {
            throw new UncheckedIOException(new IOException("secret " + secretId + " is not a JSON object with a host"));
        }
        String oldHost = Json.text(value, "host");
        String oldPort = Json.text(value, "port");
        value.put("host", endpoint);
        if (port != null && value.has("port")) {
            value.put("port", value.get("port").isNumber() ? Json.MAPPER.getNodeFactory().numberNode(Integer.parseInt(port)) : Json.MAPPER.getNodeFactory().textNode(port));
        }
        String newVersion = secrets.get().putSecretValue(r -> r.secretId(secretId).secretString(value.toString())).versionId();
        // the old value stays in Secrets Manager as the previous version: state and timeline name only its id
        return result("secret", secretId, oldHost, endpoint, oldPort, Json.text(value, "port"), current.versionId(), newVersion,
                "aws secretsmanager update-secret-version-stage --secret-id " + secretId + " --version-stage AWSCURRENT --move-to-version-id "
                        + current.versionId() + " --remove-from-version-id " + newVersion);
    }

    private ObjectNode parameter(String name, String endpoint) {
        var current = ssm.get().getParameter(r -> r.name(name).withDecryption(true)).parameter();
        String newValue = replaceHost(current.value(), endpoint);
        long newVersion = ssm.get().putParameter(r -> r.name(name).value(newValue).overwrite(true)
                .type(current.type() == null ? ParameterType.STRING : current.type())).version();
        String previous = String.valueOf(current.version());
        return result("parameter", name, host(current.value()), endpoint, null, null, previous, String.valueOf(newVersion),
                "aws ssm put-parameter --overwrite --name " + name + " --value \"$(aws ssm get-parameter --with-decryption --name "
                        + name + ":" + previous + " --query Parameter.Value --output text)\"");
    }

    private ObjectNode lambdaVariable(String function, String variable, String endpoint) {
        var configuration = lambda.get().getFunctionConfiguration(r -> r.functionName(function));
        Map<String, String> variables = new HashMap<>(configuration.environment() == null ? Map.of() : configuration.environment().variables());
        String oldValue = variables.get(variable);
        // the old configuration is kept in a published version, so the value (a URL may hold a password) never enters state
        String previous = lambda.get().publishVersion(r -> r.functionName(function)
                .description("before DR cut-over of " + variable)).version();
        String newValue = oldValue == null ? endpoint : replaceHost(oldValue, endpoint);
        variables.put(variable, newValue);
        lambda.get().updateFunctionConfiguration(r -> r.functionName(function).environment(e -> e.variables(variables)));
        return result("lambda", function, host(oldValue), endpoint, null, null, previous, "$LATEST",
                "set " + variable + " of " + function + " back to its value in version " + previous + " (aws lambda get-function-configuration --function-name "
                        + function + " --qualifier " + previous + ", then aws lambda update-function-configuration keeping the other variables)");
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
    private static ObjectNode result(String kind, String target, String oldHost, String newHost, String oldPort, String newPort,
                                     String previousVersion, String newVersion, String undo) {
        String change = "host " + oldHost + " -> " + newHost
                + (newPort == null || newPort.equals(oldPort) ? "" : ", port " + oldPort + " -> " + newPort);
        return Json.object().put("kind", kind).put("target", target).put("change", change)
                .put("previousVersion", previousVersion).put("newVersion", newVersion).put("undo", undo);
    }
}
