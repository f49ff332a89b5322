package com.drresponder.credentials;

/** The database side of a rotation: who can log in, and changing a user's password. */
public interface PostgresPasswordChanger {

    /** True when these credentials log in; false when the database rejects them; throws when it cannot be reached. */
    boolean canLogIn(DatabaseSecret credentials);

    /** Logs in with these credentials and runs a query; throws {@link RotationRefusedException} when that fails. */
    void verify(DatabaseSecret credentials);

    /**
     * Connected as {@code admin}, sets {@code username}'s password. With {@code grantRolesOf} non-null, creates the
     * user first when it does not exist, as a member of that role (the alternating-users clone).
     */
    void setPassword(DatabaseSecret admin, String username, String newPassword, String grantRolesOf);
}
