package com.drresponder.playbook;

/** A playbook request with a bad field: the message names the field and what is allowed. */
public final class InvalidRequestException extends RuntimeException {
    private final String field;

    public InvalidRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
