package com.drresponder.credentials;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link PostgresPasswordChanger} over a map of users and passwords; records who changed what. */
final class InMemoryPostgres implements PostgresPasswordChanger {
    final Map<String, String> passwords = new LinkedHashMap<>();
    final Map<String, String> memberOf = new LinkedHashMap<>();
    final List<String> changes = new ArrayList<>();

    @Override
    public boolean canLogIn(DatabaseSecret credentials) {
        return credentials.password().equals(passwords.get(credentials.username()));
    }

    @Override
    public void verify(DatabaseSecret credentials) {
        if (!canLogIn(credentials)) {
            throw new RotationRefusedException("user " + credentials.username() + " cannot log in");
        }
    }

    @Override
    public void setPassword(DatabaseSecret admin, String username, String newPassword, String grantRolesOf) {
        if (!canLogIn(admin)) {
            throw new IllegalStateException("admin cannot log in");
        }
        if (grantRolesOf != null && !passwords.containsKey(username)) {
            memberOf.put(username, grantRolesOf);
        }
        passwords.put(username, newPassword);
        changes.add(admin.username() + " set " + username);
    }
}
