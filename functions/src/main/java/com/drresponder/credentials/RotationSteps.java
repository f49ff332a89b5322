package com.drresponder.credentials;

import static com.drresponder.credentials.SecretStore.CURRENT;
import static com.drresponder.credentials.SecretStore.PENDING;
import static com.drresponder.credentials.SecretStore.PREVIOUS;

import java.util.List;
import java.util.Optional;

/**
 * The Secrets Manager rotation protocol for PostgreSQL credentials, after AWS's reference functions
 * (SecretsManagerRDSPostgreSQLRotationSingleUser / MultiUser). Every step may run more than once with the
 * same ClientRequestToken (Secrets Manager retries), so each one first checks whether its work is done.
 * <ul>
 *   <li>single user: the user changes its own password;</li>
 *   <li>alternating users ({@code masterarn} in the secret): the master user sets the password of the
 *       other of {@code user} / {@code user_clone}, creating the clone on first use, so the current
 *       credentials keep working until finishSecret switches over.</li>
 * </ul>
 */
public record RotationSteps(SecretStore store, PostgresPasswordChanger database, RotationSettings settings) {
    static final String CLONE_SUFFIX = "_clone";
    private static final int MAX_IDENTIFIER_LENGTH = 63;

    /** What a step did; the handler logs it. */
    public enum Outcome { DONE, ALREADY_DONE, ALREADY_CURRENT }


    public Outcome run(RotationRequest request) {
        SecretStore.Description secret = store.describe(request.secretId());
        if (!secret.rotationEnabled()) {
            throw new RotationRefusedException("secret " + secret.name() + " is not enabled for rotation");
        }
        List<String> stages = secret.versionStages().get(request.token());
        if (stages == null) {
            throw new RotationRefusedException("secret " + secret.name() + " has no version " + request.token() + " to rotate");
        }
        if (stages.contains(CURRENT)) {
            return Outcome.ALREADY_CURRENT;
        }
        if (!stages.contains(PENDING)) {
            throw new RotationRefusedException("version " + request.token() + " of secret " + secret.name() + " is not staged AWSPENDING");
        }
        return switch (request.step()) {
            case CREATE_SECRET -> createSecret(request);
            case SET_SECRET -> setSecret(request);
            case TEST_SECRET -> testSecret(request);
            case FINISH_SECRET -> finishSecret(request, secret);
        };
    }

    /** Stores the new credentials as AWSPENDING: a new random password (and, alternating, the other user). */
    Outcome createSecret(RotationRequest request) {
        DatabaseSecret current = current(request.secretId());
        if (store.value(request.secretId(), request.token(), PENDING).isPresent()) {
            return Outcome.ALREADY_DONE;
        }
        DatabaseSecret pending = current.withPassword(store.randomPassword(settings.passwordLength(), settings.excludeCharacters()));
        if (current.masterArn() != null) {
            master(request.secretId(), current); // refuse now, before anything is stored, when the master secret is unusable
            pending = pending.withUsername(alternateUser(request.secretId(), current.username()));
        }
        store.putPending(request.secretId(), request.token(), pending.toSecretString());
        return Outcome.DONE;
    }

    /** Makes the database accept the pending password. */
    Outcome setSecret(RotationRequest request) {
        DatabaseSecret pending = pending(request);
        if (database.canLogIn(pending)) {
            return Outcome.ALREADY_DONE;
        }
        DatabaseSecret current = current(request.secretId());
        if (!pending.host().equals(current.host())) {
            throw new RotationRefusedException("secret " + request.secretId() + ": the pending version names host " + pending.host()
                    + ", the current one " + current.host() + "; refusing to change a user on another database");
        }
        if (current.masterArn() == null) {
            if (!pending.username().equals(current.username())) {
                throw new RotationRefusedException("secret " + request.secretId() + ": the pending version is for user " + pending.username()
                        + ", the current one for " + current.username());
            }
            DatabaseSecret self = loginAs(request.secretId(), current).orElseThrow(() -> new RotationRefusedException(
                    "secret " + request.secretId() + ": cannot log in to " + current.host() + " as " + current.username()
                            + " with the previous, current or pending password"));
            database.setPassword(self, pending.username(), pending.password(), null);
        } else {
            if (!pending.username().equals(current.username()) && !pending.username().equals(alternateUser(request.secretId(), current.username()))) {
                throw new RotationRefusedException("secret " + request.secretId() + ": pending user " + pending.username()
                        + " is neither " + current.username() + " nor its alternate");
            }
            DatabaseSecret master = master(request.secretId(), current);
            if (!master.host().equals(pending.host())) {
                throw new RotationRefusedException("secret " + request.secretId() + ": its master secret is for host " + master.host()
                        + ", not " + pending.host());
            }
            if (!database.canLogIn(master)) {
                throw new RotationRefusedException("secret " + request.secretId() + ": cannot log in as master user " + master.username());
            }
            database.setPassword(master, pending.username(), pending.password(), current.username());
        }
        return Outcome.DONE;
    }

    /** Proves the pending credentials work before they become current. */
    Outcome testSecret(RotationRequest request) {
        database.verify(pending(request));
        return Outcome.DONE;
    }

    /**
     * Moves AWSCURRENT to the new version (Secrets Manager then stages the old one AWSPREVIOUS). AWSPENDING stays on
     * it: a version carrying both is a finished rotation for Secrets Manager (and for {@link RotationProgress}).
     */
    Outcome finishSecret(RotationRequest request, SecretStore.Description secret) {
        // Never make a version current that has no valid value. AWS stops a rotation at its first failed step, but
        // anyone allowed to invoke the function can call finishSecret directly (and moto runs on after a failed step).
        pending(request);
        String currentVersion = secret.versionWithStage(CURRENT).orElse(null);
        store.moveStage(request.secretId(), CURRENT, request.token(), currentVersion);
        return Outcome.DONE;
    }

    private Optional<DatabaseSecret> loginAs(String secretId, DatabaseSecret current) {
        if (database.canLogIn(current)) {
            return Optional.of(current);
        }
        // A setSecret that ran before but whose finishSecret failed leaves the database on the previous password.
        Optional<DatabaseSecret> previous = store.value(secretId, null, PREVIOUS).map(s -> DatabaseSecret.parse(secretId, s));
        return previous.filter(p -> p.username().equals(current.username()) && database.canLogIn(p));
    }

    private DatabaseSecret current(String secretId) {
        return DatabaseSecret.parse(secretId, store.value(secretId, null, CURRENT)
                .orElseThrow(() -> new MalformedSecretException(secretId, "SecretString", "is missing from the AWSCURRENT version")));
    }

    private DatabaseSecret pending(RotationRequest request) {
        return DatabaseSecret.parse(request.secretId(), store.value(request.secretId(), request.token(), PENDING)
                .orElseThrow(() -> new RotationRefusedException("secret " + request.secretId() + ": version " + request.token()
                        + " has no AWSPENDING value (createSecret has not run)")));
    }

    private DatabaseSecret master(String secretId, DatabaseSecret current) {
        String masterArn = current.masterArn();
        String value = store.value(masterArn, null, CURRENT).orElseThrow(() ->
                new MalformedSecretException(secretId, "masterarn", "names a secret without a current value"));
        return DatabaseSecret.parse(masterArn, value);
    }

    static String alternateUser(String secretId, String username) {
        String other = username.endsWith(CLONE_SUFFIX)
                ? username.substring(0, username.length() - CLONE_SUFFIX.length())
                : username + CLONE_SUFFIX;
        if (other.isEmpty() || other.length() > MAX_IDENTIFIER_LENGTH) {
            throw new MalformedSecretException(secretId, "username", "cannot take the " + CLONE_SUFFIX + " suffix within PostgreSQL's "
                    + MAX_IDENTIFIER_LENGTH + "-character limit");
        }
        return other;
    }
}
