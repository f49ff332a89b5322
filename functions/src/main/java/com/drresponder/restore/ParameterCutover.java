package com.drresponder.restore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterMetadata;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * An SSM parameter holding the endpoint or a URL. Read with decryption and written back with the same type
 * and, for a SecureString, the same KMS key: a secret stays a secret. The new value derives from the
 * recorded version ({@code name:version}).
 */
final class ParameterCutover implements ConsumerCutover {
    private final Supplier<SsmClient> ssm;
    private final String name;

    ParameterCutover(Supplier<SsmClient> ssm, String name) {
        this.ssm = ssm;
        this.name = name;
    }

    @Override
    public String plan() {
        return String.valueOf(metadata().version());
    }

    @Override
    public ObjectNode apply(String previousVersion, String endpoint, String port) {
        Parameter old = ssm.get().getParameter(r -> r.name(name + ":" + previousVersion).withDecryption(true)).parameter();
        String newValue = ConfigCutoverHandler.replaceHost(old.value(), endpoint);
        ParameterMetadata current = metadata();
        ParameterType type = current.type() == null ? ParameterType.STRING : current.type();
        String keyId = type == ParameterType.SECURE_STRING ? current.keyId() : null;
        String newVersion;
        if (String.valueOf(current.version()).equals(previousVersion)) {
            newVersion = String.valueOf(ssm.get().putParameter(r -> r.name(name).value(newValue).overwrite(true).type(type).keyId(keyId)).version());
        } else if (newValue.equals(ssm.get().getParameter(r -> r.name(name).withDecryption(true)).parameter().value())) {
            newVersion = String.valueOf(current.version()); // a retry: our own write is already current
        } else {
            throw new CutoverRefusedException("parameter " + name + " changed since the cut-over was recorded (current version "
                    + current.version() + ", recorded " + previousVersion + "): not overwriting someone else's value");
        }
        return ConfigCutoverHandler.result("parameter", name, ConfigCutoverHandler.host(old.value()), endpoint, null, null, previousVersion, newVersion,
                "aws ssm put-parameter --overwrite --name " + name + " --type " + type + (keyId == null ? "" : " --key-id " + keyId)
                        + " --value \"$(aws ssm get-parameter --with-decryption --name " + name + ":" + previousVersion
                        + " --query Parameter.Value --output text)\"");
    }

    /** Type, KMS key and version: DescribeParameters is the only call that names a SecureString's key. */
    private ParameterMetadata metadata() {
        return ssm.get().describeParameters(r -> r.parameterFilters(f -> f.key("Name").option("Equals").values(name))).parameters().stream()
                .findFirst().orElseThrow(() -> new CutoverRefusedException("no parameter " + name));
    }
}
