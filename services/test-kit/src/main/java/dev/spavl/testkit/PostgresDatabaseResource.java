package dev.spavl.testkit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A throw-away database on the machine's real PostgreSQL server (127.0.0.1:5432, trust auth by
 * default; override with SPAVL_PG_HOST/PORT/USER/PASSWORD). Created before the service starts,
 * migrated by the service itself (Flyway), dropped afterwards.
 */
public class PostgresDatabaseResource implements QuarkusTestResourceLifecycleManager {

    private String host;
    private String port;
    private String user;
    private String password;
    private String database;

    @Override
    public Map<String, String> start() {
        host = env("SPAVL_PG_HOST", "127.0.0.1");
        port = env("SPAVL_PG_PORT", "5432");
        user = env("SPAVL_PG_USER", "postgres");
        password = env("SPAVL_PG_PASSWORD", "");
        database = "spavl_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute("CREATE DATABASE " + database);
        return Map.of(
                "quarkus.datasource.username", user,
                "quarkus.datasource.password", password,
                "quarkus.datasource.jdbc.url", "jdbc:postgresql://" + host + ":" + port + "/" + database,
                "quarkus.datasource.reactive.url", "postgresql://" + host + ":" + port + "/" + database);
    }

    @Override
    public void stop() {
        if (database != null) {
            execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    private void execute(String sql) {
        String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused `" + sql + "`: "
                    + e.getMessage() + " (is the server running? .ci/run and ./spavl up start it)", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
