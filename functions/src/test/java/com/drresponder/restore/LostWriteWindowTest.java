package com.drresponder.restore;

import static org.assertj.core.api.Assertions.assertThat;

import com.drresponder.database.ReadOnlySql;
import com.drresponder.playbook.RestoreRequest;
import com.drresponder.testing.PostgresFixture;
import com.drresponder.testing.PostgresTest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lost-write window read from real PostgreSQL (embedded): the source and the restored copy are two schemas of one
 * server ({@code currentSchema} per connection), with rows whose times the test sets, read through the same
 * read-only sessions as verification.
 */
@PostgresTest
class LostWriteWindowTest {
    static final RestoreRequest.Freshness ORDERS = new RestoreRequest.Freshness("orders", "updated_at");
    static final RestoreRequest.Freshness PAYMENTS = new RestoreRequest.Freshness("payments", "paid_at");
    static PostgresFixture pg;

    @BeforeAll
    static void start(PostgresFixture postgres) {
        pg = postgres;
        // the source took writes up to 10:01:15.2 (orders) and 10:00:30 (payments); the copy holds them up to 10:00:00
        table("source", "orders", "updated_at", "2026-11-22 10:00:00+00", "2026-11-22 10:01:15.2+00");
        table("source", "payments", "paid_at", "2026-11-22 09:59:00+00", "2026-11-22 10:00:30+00");
        table("copy", "orders", "updated_at", "2026-11-22 09:59:00+00", "2026-11-22 10:00:00+00");
        table("copy", "payments", "paid_at", "2026-11-22 09:59:00+00", "2026-11-22 10:00:00+00");
        // a table the source has emptied (nothing written there to lose) and one the copy has no rows of
        table("source", "audit", "at");
        table("copy", "audit", "at", "2026-11-22 09:00:00+00");
        table("source", "events", "at", "2026-11-22 10:00:00+00");
        table("copy", "events", "at");
    }

    @Test
    void measure_should_takeTheLargestGapBetweenSourceAndCopy_roundedUpToWholeSeconds() {
        // WHEN the window is read over both tables
        LostWriteWindow.Reading reading = new LostWriteWindow().measure(List.of(PAYMENTS, ORDERS), connector("source", "copy"));
        // THEN it is the orders gap, 75.2 s, rounded up; each table's newest values are named
        assertThat(reading.measured()).as(reading.detail()).isTrue();
        assertThat(reading.seconds()).isEqualTo(76);
        assertThat(reading.detail()).isEqualTo("payments.paid_at: source newest 2026-11-22T10:00:30Z, copy newest 2026-11-22T10:00:00Z; "
                + "orders.updated_at: source newest 2026-11-22T10:01:15.200Z, copy newest 2026-11-22T10:00:00Z");
    }

    @Test
    void measure_should_beZero_when_theCopyHoldsEverythingTheSourceHas() {
        // GIVEN the copy against itself as source
        LostWriteWindow.Reading reading = new LostWriteWindow().measure(List.of(ORDERS, PAYMENTS), connector("copy", "copy"));
        assertThat(reading.measured()).isTrue();
        assertThat(reading.seconds()).isZero();
        // AND a copy AHEAD of the source (clock skew, a write the source lost) is no negative window
        assertThat(new LostWriteWindow().measure(List.of(ORDERS), connector("copy", "source")).seconds()).isZero();
        // AND a table the source has no rows in loses nothing
        LostWriteWindow.Reading emptied = new LostWriteWindow().measure(List.of(new RestoreRequest.Freshness("audit", "at")), connector("source", "copy"));
        assertThat(emptied.measured()).isTrue();
        assertThat(emptied.seconds()).isZero();
        assertThat(emptied.detail()).isEqualTo("audit.at: no rows in the source");
    }

    @Test
    void measure_should_measureNothing_and_sayWhy_when_theSourceCannotBeRead() {
        // GIVEN a source that refuses connections (the broken database)
        DatabaseVerifier.Connector brokenSource = new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                return connector("source", "copy").restored();
            }

            @Override
            public Connection source() throws SQLException {
                return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:1/postgres", props("source"));
            }
        };
        // WHEN the window is read THEN nothing is measured, nothing is thrown, and the reason names the source
        LostWriteWindow.Reading reading = new LostWriteWindow().measure(List.of(ORDERS), brokenSource);
        assertThat(reading.measured()).isFalse();
        assertThat(reading.seconds()).isNull();
        assertThat(reading.detail()).startsWith("the source could not be read (");
    }

    @Test
    void measure_should_measureNothing_when_aTableIsMissingOnTheSource_or_emptyInTheCopy_or_noneIsNamed() {
        LostWriteWindow.Reading missing = new LostWriteWindow().measure(List.of(new RestoreRequest.Freshness("refunds", "at")),
                connector("source", "copy"));
        assertThat(missing.measured()).isFalse();
        assertThat(missing.detail()).startsWith("the source could not be read (").contains("refunds");
        LostWriteWindow.Reading emptyCopy = new LostWriteWindow().measure(List.of(new RestoreRequest.Freshness("events", "at")),
                connector("source", "copy"));
        assertThat(emptyCopy.measured()).isFalse();
        assertThat(emptyCopy.detail()).isEqualTo("events.at: no rows in the copy, the source's newest is 2026-11-22T10:00:00Z");
        assertThat(new LostWriteWindow().measure(List.of(), connector("source", "copy")).detail())
                .isEqualTo("verify.maxUpdatedAt names no table whose newest rows could be compared");
    }

    @Test
    void measure_should_changeNothing_in_eitherDatabase() {
        new LostWriteWindow().measure(List.of(ORDERS, PAYMENTS), connector("source", "copy"));
        assertThat(pg.queryLong("SELECT count(*) FROM source.orders")).isEqualTo(2);
        assertThat(pg.queryLong("SELECT count(*) FROM copy.orders")).isEqualTo(2);
    }

    /** Read-only sessions as verification opens them, each side in its schema. */
    static DatabaseVerifier.Connector connector(String sourceSchema, String copySchema) {
        return new DatabaseVerifier.Connector() {
            @Override
            public Connection restored() throws SQLException {
                return DriverManager.getConnection(url(), props(copySchema));
            }

            @Override
            public Connection source() throws SQLException {
                return DriverManager.getConnection(url(), props(sourceSchema));
            }
        };
    }

    static String url() {
        return "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres";
    }

    static Properties props(String schema) {
        Properties props = ReadOnlySql.readOnlySession(new Properties());
        props.setProperty("user", "postgres");
        props.setProperty("currentSchema", schema);
        props.setProperty("connectTimeout", "5");
        return props;
    }

    static void table(String schema, String table, String column, String... times) {
        pg.superuser("CREATE SCHEMA IF NOT EXISTS " + schema);
        pg.superuser("CREATE TABLE " + schema + "." + table + " (id serial primary key, " + column + " timestamptz not null)");
        for (String time : times) {
            pg.superuser("INSERT INTO " + schema + "." + table + " (" + column + ") VALUES ('" + time + "')");
        }
    }
}
