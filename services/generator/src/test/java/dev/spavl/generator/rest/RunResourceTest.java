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
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
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
    void sameIdempotencyKeyWithAnotherBodyIs422AndChangesNothing() {
        String key = "retry-" + UUID.randomUUID();
        String first = given().contentType(ContentType.JSON).header("Idempotency-Key", key)
                .body("{\"source\":\"/data/a.jsonl\",\"seed\":1}")
                .post("/api/runs").then().statusCode(202).extract().path("runId");

        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body("{\"source\":\"/data/b.jsonl\",\"seed\":1}")
                .post("/api/runs")
                .then().statusCode(422)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:idempotency-key-reused"))
                .body("title", equalTo("Idempotency-Key reused with another request body"))
                .body("status", equalTo(422))
                .body("detail", equalTo("Idempotency-Key '" + key + "' was first sent with another request body, for run "
                        + first + ": send that body again to get the run, or use a new key for a new run"))
                .body("instance", equalTo("/api/runs"))
                .body("runId", equalTo(first));

        // the same request however its JSON is laid out still names the first run
        given().contentType(ContentType.JSON).header("Idempotency-Key", key).body("{ \"seed\": 1,\n \"source\": \"/data/a.jsonl\" }")
                .post("/api/runs").then().statusCode(200).body("runId", equalTo(first)).body("sourceUri", equalTo("/data/a.jsonl"));
        given().get("/api/runs/{id}", first).then().statusCode(200).body("sourceUri", equalTo("/data/a.jsonl"));
        long events = AvroTopicClient.forCurrentTestResource()
                .<RunRequested>readAll("spavl.runs", Duration.ofSeconds(10)).stream()
                .filter(r -> r.key().equals(first)).count();
        assertThat(events).isEqualTo(1);
    }

    @Test
    void invalidRequestNamesEveryFieldInAProblemBody() {
        given().contentType(ContentType.JSON)
                .body("{\"source\":\"\",\"fanOut\":\"most\",\"questionTypes\":[\"medium\"]}")
                .post("/api/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:invalid-run-request"))
                .body("title", equalTo("Invalid run request"))
                .body("status", equalTo(400))
                .body("detail", startsWith("source: required"))
                .body("detail", containsString("fanOut: expected \"all\" or \"sample:k\""))
                .body("instance", equalTo("/api/runs"))
                .body("problems.field", hasItems("source", "fanOut", "questionTypes"));
        given().get("/q/metrics").then().body(containsString("spavl_generator_runs_rejected_total"));
        given().contentType(ContentType.JSON).header("Idempotency-Key", "k".repeat(201)).body("{\"source\":\"/data\"}").post("/api/runs")
                .then().statusCode(400).contentType("application/problem+json")
                .body("problems[0].field", equalTo("Idempotency-Key"));
    }

    @Test
    void malformedJsonIs400WithAProblemSayingWhatAndWhere() {
        given().contentType(ContentType.JSON).body("{\"source\": \"/data\",\n \"fanOut\": }").post("/api/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:malformed-json"))
                .body("title", equalTo("Malformed JSON body"))
                .body("status", equalTo(400))
                .body("detail", allOf(startsWith("Unexpected character ('}'"), endsWith("expected a value (line 2, column 12)")))
                .body("instance", equalTo("/api/runs"));
        given().contentType(ContentType.JSON).body("{\"source\": \"/data\", \"seed\": \"eleven\"}").post("/api/runs")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:malformed-json"))
                .body("detail", startsWith("field 'seed': expected a whole number (line 1, column "));
        given().contentType(ContentType.JSON).body("{\"source\": \"/data\", \"targets\": \"lamm\"}").post("/api/runs")
                .then().statusCode(400)
                .body("detail", startsWith("field 'targets': expected an array"));
    }

    @Test
    void unknownRunIs404WithAProblemBody() {
        given().get("/api/runs/{id}", "run-nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:run-not-found"))
                .body("title", equalTo("Run not found"))
                .body("status", equalTo(404))
                .body("detail", equalTo("no run with id 'run-nope' was accepted"))
                .body("instance", equalTo("/api/runs/run-nope"))
                .body("runId", equalTo("run-nope"));
        given().get("/api/runs/{id}/rejections", "run-nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("instance", equalTo("/api/runs/run-nope/rejections"));
    }

    @Test
    void everyOther4xxHasAProblemBodyToo() {
        given().delete("/api/runs/{id}", "run-nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:run-not-found"));
        given().contentType(ContentType.JSON).body("{}").put("/api/runs/{id}", "run-nope").then().statusCode(405)
                .contentType("application/problem+json")
                .body("type", equalTo("about:blank"))
                .body("title", equalTo("Method Not Allowed"))
                .body("status", equalTo(405))
                .body("detail", startsWith("this method is not allowed at /api/runs/run-nope"))
                .body("instance", equalTo("/api/runs/run-nope"));
        given().contentType(ContentType.TEXT).body("source=/data").post("/api/runs").then().statusCode(415)
                .contentType("application/problem+json")
                .body("title", equalTo("Unsupported Media Type"))
                .body("detail", startsWith("the body must be application/json, got text/plain"));
        given().get("/api/runs/{id}/rejections?limit=0", "run-nope").then().statusCode(400)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:spavl:problem:invalid-paging"))
                .body("detail", equalTo("offset >= 0 and 1 <= limit <= 1000, got offset 0 and limit 0"));
        given().get("/api/runs/{id}/nothing-here", "run-nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("about:blank"))
                .body("detail", equalTo("nothing at /api/runs/run-nope/nothing-here"));
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_threads_live_threads"));
    }
}
