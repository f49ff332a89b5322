package com.drresponder.credentials;

/** The secret's JSON lacks a field rotation needs; nothing was changed. The message names the field, never a value. */
public final class MalformedSecretException extends RotationRefusedException {
    private final String field;

    public MalformedSecretException(String secretId, String field, String problem) {
        super("secret " + secretId + ": field \"" + field + "\" " + problem + "; nothing was changed");
        this.field = field;
    }

    public String field() {
        return field;
    }
}
