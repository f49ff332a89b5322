package com.drresponder.infra.config;

/** Invalid DR Responder configuration; the message names the field and what is allowed. Fails synth. */
public final class DrConfigException extends IllegalArgumentException {
    public DrConfigException(String message) { super(message); }

    public DrConfigException(String message, Throwable cause) { super(message, cause); }
}
