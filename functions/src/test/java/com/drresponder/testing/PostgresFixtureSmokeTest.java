package com.drresponder.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

@PostgresTest
class PostgresFixtureSmokeTest {
    @Test
    void start_should_requirePasswords_when_userIsNotSuperuser(PostgresFixture pg) {
        pg.createUser("app", "right-password", false);
        assertThat(pg.canLogIn("app", "right-password")).isTrue();
        assertThat(pg.canLogIn("app", "wrong-password")).isFalse();
    }
}
