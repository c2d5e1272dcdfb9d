package dev.spavl.generator.rest;

import dev.spavl.events.FanOutMode;
import dev.spavl.events.RunRequested;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.startsWith;

/** POST /api/runs against a real broker, registry and PostgreSQL database. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class RunResourceTest {

    @Test
    void acceptedRunIsStoredAndPublishedAsAvro() {
        String runId = given().contentType(ContentType.JSON)
                .body("{\"source\":\"/data/spa-vl/train\",\"fanOut\":\"sample:2\",\"seed\":11,\"questionTypes\":[\"easy\"]}")
                .post("/api/runs")
                .then().statusCode(202)
                .header("Location", containsString("/api/runs/run-"))
                .body("runId", startsWith("run-"))
                .body("status", equalTo("REQUESTED"))
                .extract().path("runId");

        given().get("/api/runs/{id}", runId).then().statusCode(200).body("seed", equalTo(11));

        List<ConsumerRecord<String, RunRequested>> published = AvroTopicClient.forCurrentTestResource()
                .<RunRequested>readAll("spavl.runs", Duration.ofSeconds(10)).stream()
                .filter(r -> r.key().equals(runId)).toList();
        assertThat(published).singleElement().satisfies(r -> {
            assertThat(r.value().getFanOut()).isEqualTo(FanOutMode.SAMPLE);
            assertThat(r.value().getSampleSize()).isEqualTo(2);
            assertThat(r.value().getSourceUri()).isEqualTo("/data/spa-vl/train");
        });
    }

    @Test
    void sameIdempotencyKeySameRunOneEvent() {
        String key = "retry-" + UUID.randomUUID();
        String body = "{\"source\":\"/data/m.jsonl\"}";
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/runs").then().statusCode(202).extract().path("runId");
        String second = given().contentType(ContentType.JSON).header("Idempotency-Key", key).body(body)
                .post("/api/runs").then().statusCode(200).extract().path("runId");
        assertThat(second).isEqualTo(first);

        long events = AvroTopicClient.forCurrentTestResource()
                .<RunRequested>readAll("spavl.runs", Duration.ofSeconds(10)).stream()
                .filter(r -> r.key().equals(first)).count();
        assertThat(events).isEqualTo(1);
    }

    @Test
    void invalidRequestNamesEveryField() {
        given().contentType(ContentType.JSON)
                .body("{\"source\":\"\",\"fanOut\":\"most\",\"questionTypes\":[\"medium\"]}")
                .post("/api/runs")
                .then().statusCode(400)
                .body("error", equalTo("invalid run request"))
                .body("problems.field", hasItems("source", "fanOut", "questionTypes"));
        given().get("/q/metrics").then().body(containsString("spavl_generator_runs_rejected_total"));
    }

    @Test
    void unknownRunIs404() {
        given().get("/api/runs/{id}", "run-nope").then().statusCode(404).body("runId", equalTo("run-nope"));
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_threads_live_threads"));
    }
}
