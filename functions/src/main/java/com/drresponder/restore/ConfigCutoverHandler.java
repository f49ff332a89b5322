package com.drresponder.restore;

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
 * Manager secret's {@code host}, an SSM parameter, or a Lambda environment variable, and returns the old
 * value and the command that puts it back. A URL keeps its scheme, credentials, port and path; only the
 * host changes. Input {@code {"cutoverConfig", "endpoint", "port"}}.
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
    Object handle(JsonNode event) {
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
        String text = secrets.get().getSecretValue(r -> r.secretId(secretId)).secretString();
        ObjectNode value;
        try {
            value = (ObjectNode) Json.MAPPER.readTree(text);
        } catch (IOException | ClassCastException e) {
            throw new UncheckedIOException(new IOException("secret " + secretId + " is not a JSON object with a host"));
        }
        String oldHost = Json.text(value, "host");
        value.put("host", endpoint);
        if (port != null && value.has("port")) {
            value.put("port", value.get("port").isNumber() ? Json.MAPPER.getNodeFactory().numberNode(Integer.parseInt(port)) : Json.MAPPER.getNodeFactory().textNode(port));
        }
        secrets.get().putSecretValue(r -> r.secretId(secretId).secretString(value.toString()));
        // the undo names only the host: the secret's other fields are credentials and never leave it
        return result("secret", secretId, "host", oldHost, endpoint,
                "put host " + oldHost + " back into secret " + secretId + " (aws secretsmanager put-secret-value, or restore the previous version: "
                        + "aws secretsmanager update-secret-version-stage --secret-id " + secretId + " --version-stage AWSCURRENT --move-to-version-id <AWSPREVIOUS id>)");
    }

    private ObjectNode parameter(String name, String endpoint) {
        var current = ssm.get().getParameter(r -> r.name(name)).parameter();
        String newValue = replaceHost(current.value(), endpoint);
        ssm.get().putParameter(r -> r.name(name).value(newValue).overwrite(true).type(current.type() == null ? ParameterType.STRING : current.type()));
        return result("parameter", name, "value", current.value(), newValue,
                "aws ssm put-parameter --overwrite --name " + name + " --value '" + current.value() + "'");
    }

    private ObjectNode lambdaVariable(String function, String variable, String endpoint) {
        var configuration = lambda.get().getFunctionConfiguration(r -> r.functionName(function));
        Map<String, String> variables = new HashMap<>(configuration.environment() == null ? Map.of() : configuration.environment().variables());
        String oldValue = variables.get(variable);
        String newValue = oldValue == null ? endpoint : replaceHost(oldValue, endpoint);
        variables.put(variable, newValue);
        lambda.get().updateFunctionConfiguration(r -> r.functionName(function).environment(e -> e.variables(variables)));
        return result("lambda", function, variable, oldValue, newValue,
                "aws lambda update-function-configuration --function-name " + function + " --environment (set " + variable + " back to "
                        + (oldValue == null ? "unset" : "'" + oldValue + "'") + ", keeping the other variables)");
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

    private static ObjectNode result(String kind, String target, String field, String oldValue, String newValue, String undo) {
        return Json.object().put("kind", kind).put("target", target).put("field", field)
                .put("oldValue", oldValue).put("newValue", newValue).put("undo", undo);
    }
}
