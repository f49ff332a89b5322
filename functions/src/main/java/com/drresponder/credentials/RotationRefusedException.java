package com.drresponder.credentials;

/**
 * The rotation cannot proceed safely (wrong version stage, rotation disabled, unexpected user or host).
 * Messages name secrets, versions and fields, never values.
 */
public class RotationRefusedException extends RuntimeException {
    public RotationRefusedException(String message) {
        super(message);
    }

    public RotationRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
