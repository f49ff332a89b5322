package com.drresponder.restore;

/** RDS reports a resource of the restore in a state it will not recover from (failed snapshot, incompatible-restore...). */
public final class RestoreStepFailedException extends RuntimeException {
    public RestoreStepFailedException(String message) {
        super(message);
    }
}
