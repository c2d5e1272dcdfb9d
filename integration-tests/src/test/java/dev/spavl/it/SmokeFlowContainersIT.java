package dev.spavl.it;

import dev.spavl.contracts.topics.TopicCatalog;
import dev.spavl.contracts.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The smoke flow (generator -> spavl.runs -> packager -> PostgreSQL -> REST) with the
 * infrastructure in containers instead of the local stack: the path a machine with Docker takes.
 * Skipped where no Docker engine runs (this project's default machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class SmokeFlowContainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");
    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:15");
    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("apicurio/apicurio-registry-mem:2.4.2.Final")
            .withEnv("REGISTRY_RULES_GLOBAL_COMPATIBILITY", "BACKWARD")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200));

    private static ServiceProcess generator;
    private static ServiceProcess packager;

    @BeforeAll
    static void startServices() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            TopicCatalog catalog = TopicCatalog.bundled();
            new TopicProvisioner(admin).provision(catalog.resolve("spavl", catalog.defaultModels()));
        }
        for (String db : new String[] {"spavl_generator", "spavl_packager"}) {
            POSTGRES.execInContainer("psql", "-U", POSTGRES.getUsername(), "-d", POSTGRES.getDatabaseName(),
                    "-c", "CREATE DATABASE " + db);
        }
        generator = ServiceProcess.start("generator", env("spavl_generator"));
        packager = ServiceProcess.start("packager", env("spavl_packager"));
    }

    @AfterAll
    static void stopServices() {
        if (generator != null) {
            generator.close();
        }
        if (packager != null) {
            packager.close();
        }
    }

    @Test
    void runTravelsFromGeneratorToPackager() {
        String runId = given().baseUri(generator.url()).contentType("application/json")
                .body("{\"source\":\"/data/spa-vl/train\",\"seed\":5}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(packager.url()).get("/api/runs/{id}", runId)
                        .then().statusCode(200).body("seed", equalTo(5)));
    }

    private static Map<String, String> env(String database) {
        String host = POSTGRES.getHost() + ":" + POSTGRES.getMappedPort(5432);
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.getBootstrapServers());
        env.put("SPAVL_REGISTRY_URL", "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + "/apis/registry/v2");
        env.put("QUARKUS_DATASOURCE_USERNAME", POSTGRES.getUsername());
        env.put("QUARKUS_DATASOURCE_PASSWORD", POSTGRES.getPassword());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + host + "/" + database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + host + "/" + database);
        return env;
    }
}
