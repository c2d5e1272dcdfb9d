package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PrometheusText;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Requests, outcomes, stub bodies and metric readings shared by the lane tests. */
final class LaneTestSupport {

    private LaneTestSupport() {
    }

    static ResponseRequested request(StoredBlob image, String model, String text) {
        return ResponseRequested.newBuilder()
                .setEventId("evt-" + UUID.randomUUID())
                .setRunId("run-lane-test")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId("q-" + UUID.randomUUID())
                .setModelId(model)
                .setType(QuestionType.HARD_QUESTION)
                .setText(text)
                .setImageUri(image.uri().toString())
                .setImageSha256(image.sha256())
                .setAttempt(1)
                .build();
    }

    static List<ResponseOutcome> outcomes(AvroTopicClient kafka, String questionId, String model) {
        return kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(10)).stream()
                .map(ConsumerRecord::value)
                .filter(o -> o.getQuestionId().equals(questionId) && o.getModelId().equals(model))
                .toList();
    }

    static ResponseOutcome awaitOutcome(AvroTopicClient kafka, String questionId, String model) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> outcomes(kafka, questionId, model).stream().findFirst().orElse(null), Objects::nonNull);
    }

    /** An OpenAI-compatible chat completion answering {@code text}. */
    static ResponseDefinitionBuilder openAiOk(String text) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(
                "{\"id\":\"x\",\"model\":\"m\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":\"assistant\",\"content\":\""
                        + text + "\"}}],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5}}");
    }

    /** The value of one Prometheus sample from /q/metrics, 0 when absent; labels as written there, in order. */
    static double metric(String name, String labels) {
        return PrometheusText.exact(given().get("/q/metrics").then().statusCode(200).extract().asString(), name, labels).orElse(0);
    }
}
