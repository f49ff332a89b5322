package com.drresponder.restore;

/**
 * A config cut-over that would not move the consumers safely (an alias splitting traffic, unpublished changes on
 * {@code $LATEST}, a value changed by someone else since the write-ahead record). Raised before any change, or
 * when a retry finds someone else's change; the message names versions and hosts, never a value.
 */
public final class CutoverRefusedException extends RuntimeException {
    public CutoverRefusedException(String message) {
        super(message);
    }
}
