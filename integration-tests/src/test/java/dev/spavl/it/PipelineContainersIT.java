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

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * The whole pipeline with the infrastructure in containers instead of the local stack (the path a machine with
 * Docker takes): Kafka, the registry and PostgreSQL from Testcontainers, the four services as their own JVMs.
 * A run over three sample images goes from the generator through the 12 simulated lanes and the offline judge
 * to quadruples in the packager. Skipped where no Docker engine runs (this project's default machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class PipelineContainersIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");
    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:15");
    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>("apicurio/apicurio-registry-mem:2.4.2.Final")
            .withEnv("REGISTRY_RULES_GLOBAL_COMPATIBILITY", "BACKWARD")
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/health/ready").forStatusCode(200));

    private static final List<ServiceProcess> SERVICES = new ArrayList<>();
    private static ServiceProcess generator;
    private static ServiceProcess packager;
    private static Path blobs;

    @BeforeAll
    static void startServices() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            TopicCatalog catalog = TopicCatalog.bundled();
            List<dev.spavl.contracts.topics.TopicSpec> topics = catalog.resolve("spavl", catalog.defaultModels());
            new TopicProvisioner(admin).provision(topics);
            new dev.spavl.contracts.topics.SchemaRegistrar(URI.create(registryUrl())).register(topics);
        }
        blobs = Files.createTempDirectory("spavl-containers-blobs");
        for (String db : new String[] {"spavl_generator", "spavl_packager"}) {
            POSTGRES.execInContainer("psql", "-U", POSTGRES.getUsername(), "-d", POSTGRES.getDatabaseName(),
                    "-c", "CREATE DATABASE " + db);
        }
        Map<String, String> generatorEnv = env("spavl_generator");
        generatorEnv.put("SPAVL_GENERATOR_INPUT_ROOTS", SpavlCommand.ROOT.resolve("examples").toString());
        generator = start("generator", generatorEnv);
        start("responder", env(null));
        start("judge", env(null));
        packager = start("packager", env("spavl_packager"));
    }

    private static ServiceProcess start(String name, Map<String, String> env) {
        ServiceProcess p = ServiceProcess.start(name, env);
        SERVICES.add(p);
        return p;
    }

    @AfterAll
    static void stopServices() throws Exception {
        SERVICES.forEach(ServiceProcess::close);
        if (blobs != null) {
            try (var files = Files.walk(blobs)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void sampleImagesBecomeQuadruplesThroughEveryService() {
        String manifest = SpavlCommand.ROOT.resolve("examples/spa-vl-sample.jsonl").toString();
        String runId = given().baseUri(generator.url()).contentType("application/json")
                .body("{\"source\":\"" + manifest + "\",\"seed\":5,\"limit\":3}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().baseUri(packager.url()).get("/api/runs/{id}", runId)
                        .then().statusCode(200).body("seed", equalTo(5)));
        // 3 images x 3 questions, each answered by the 12 lanes, labelled, paired and judged
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                given().baseUri(packager.url()).get("/api/runs/{id}", runId).then().statusCode(200)
                        .body("progress.questionsByState.WAITING", nullValue())
                        .body("progress.questionsByState.JUDGING", nullValue())
                        .body("progress.answersByStatus.OK", equalTo(3 * 3 * 12)));
        int resolved = given().baseUri(packager.url()).get("/api/runs/{id}", runId).then()
                .extract().path("progress.questionsByState.RESOLVED");
        List<String> questions = given().baseUri(packager.url()).queryParam("run", runId).queryParam("size", 100)
                .get("/api/quadruples").then().statusCode(200).extract().path("items.questionId");
        assertThat(questions).as("one quadruple per resolved question").hasSize(resolved).doesNotHaveDuplicates();
    }

    private static String registryUrl() {
        return "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + "/apis/registry/v2";
    }

    /** The environment of a service; {@code database} null for the services without one (responder, judge). */
    private static Map<String, String> env(String database) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", KAFKA.getBootstrapServers());
        env.put("SPAVL_REGISTRY_URL", registryUrl());
        env.put("SPAVL_BLOB_STORE_ROOT", blobs.toString());
        if (database == null) {
            return env;
        }
        String host = POSTGRES.getHost() + ":" + POSTGRES.getMappedPort(5432);
        env.put("QUARKUS_DATASOURCE_USERNAME", POSTGRES.getUsername());
        env.put("QUARKUS_DATASOURCE_PASSWORD", POSTGRES.getPassword());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://" + host + "/" + database);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://" + host + "/" + database);
        return env;
    }
}
