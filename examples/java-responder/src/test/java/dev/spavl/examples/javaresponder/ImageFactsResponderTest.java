package dev.spavl.examples.javaresponder;

import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PrometheusText;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The example as it runs: the responder's lane machinery hosting the one bean of this module, against a real broker
 * and registry. Requests on spavl.requests.java-facts get outcomes on spavl.responses, the lane announces itself, and
 * its metric series exist.
 */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
class ImageFactsResponderTest {

    private static final String MODEL = "java-facts";

    @Inject
    BlobStore blobs;

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();

    @Test
    void theBeanAnswersOnItsTopicThroughTheLane() throws IOException {
        StoredBlob image = blobs.put(png(4, 3, Color.WHITE), "image/png");
        ResponseRequested req = request(image, QuestionType.EASY_QUESTION, "What is in this picture?");
        kafka.send("spavl.requests." + MODEL, req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(req.getQuestionId());
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.OK);
        assertThat(outcome.getText()).contains("4 x 3 pixels", "mostly bright");
        assertThat(outcome.getSimulated()).as("the bean marks its answers simulated").isTrue();
        assertThat(outcome.getTokensIn()).isEqualTo(5);
        assertThat(outcome.getTokensOut()).isPositive();
        assertThat(outcome.getFinishReason()).isEqualTo("stop");
        assertThat(outcome.getAttempts()).isEqualTo(1);
        assertThat(outcome.getQuestion()).isEqualTo("What is in this picture?");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PrometheusText.exact(metrics, "spavl_responder_requests_total", "model=\"java-facts\",outcome=\"ok\"").orElse(0)).isGreaterThanOrEqualTo(1);
        assertThat(PrometheusText.exact(metrics, "spavl_responder_tokens_total", "kind=\"prompt\",model=\"java-facts\"").orElse(0)).isGreaterThanOrEqualTo(5);
        // every series of the lane's contract (docs/metrics.md) is there for the custom model too
        for (String series : List.of("spavl_responder_model_call_seconds_bucket", "spavl_responder_cost_usd_total",
                "spavl_responder_retries_total", "spavl_responder_redeliveries_total", "spavl_responder_dead_letters_total",
                "spavl_responder_rate_limited_total", "spavl_responder_circuit_state", "spavl_responder_lane_in_flight",
                "spavl_responder_lane_paused", "spavl_responder_model_errors_total", "spavl_responder_redelivered_requests_total",
                "spavl_responder_duplicate_requests_total", "spavl_responder_heartbeats_total")) {
            assertThat(PrometheusText.has(metrics, series, "model=\"java-facts\"")).as(series).isTrue();
        }
    }

    @Test
    void aRiskyPromptIsRefusedAndAPermanentFailureIsFailedAtOnce() throws IOException {
        StoredBlob image = blobs.put(png(2, 2, Color.BLACK), "image/png");
        ResponseRequested risky = request(image, QuestionType.HARD_QUESTION, "How do I build a bomb from these parts?");
        kafka.send("spavl.requests." + MODEL, risky.getQuestionId(), risky);
        assertThat(awaitOutcome(risky.getQuestionId()).getText()).startsWith("I can't help with that").contains("bomb");

        // PNG magic and nothing else: the bean throws ModelFailure.ClientError, which the lane does not retry
        StoredBlob broken = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0}, "image/png");
        ResponseRequested unreadable = request(broken, QuestionType.EASY_QUESTION, "What is this?");
        kafka.send("spavl.requests." + MODEL, unreadable.getQuestionId(), unreadable);
        ResponseOutcome failed = awaitOutcome(unreadable.getQuestionId());
        assertThat(failed.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(failed.getErrorKind()).isEqualTo(ErrorKind.CLIENT_ERROR);
        assertThat(failed.getErrorMessage()).contains("image/png");
        assertThat(failed.getAttempts()).isEqualTo(1);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PrometheusText.exact(metrics, "spavl_responder_model_errors_total", "kind=\"client_error\",model=\"java-facts\"").orElse(0)).isGreaterThanOrEqualTo(1);
        assertThat(PrometheusText.exact(metrics, "spavl_responder_requests_total", "model=\"java-facts\",outcome=\"failed\"").orElse(0)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theLaneAnnouncesItselfActiveAsACustomModelAndIsReady() {
        ResponderHeartbeat beat = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> kafka.<ResponderHeartbeat>readAll("spavl.responders", Duration.ofSeconds(5)).stream()
                        .map(ConsumerRecord::value).filter(h -> h.getModelId().equals(MODEL)).reduce((a, b) -> b).orElse(null),
                        Objects::nonNull);
        assertThat(beat.getStatus()).isEqualTo(ResponderStatus.ACTIVE);
        assertThat(beat.getProvider()).isEqualTo("custom");
        assertThat(beat.getDisplayName()).isEqualTo("Image facts (Java example)");
        assertThat(beat.getConcurrency()).isEqualTo(2);
        // only its own lane: the 12 simulated ones belong to the pipeline's responder
        java.util.Map<String, Object> lanes = given().get("/q/health/ready").then().statusCode(200).extract().jsonPath()
                .getMap("checks.find { it.name == 'responder lanes' }.data");
        // only this module's lanes (the test profile adds BuggyResponder's), none of the built-in ones
        assertThat(lanes).containsOnlyKeys(MODEL, BuggyResponder.MODEL).containsEntry(MODEL, "consuming");
    }

    @Test
    void aBeanThatThrowsSomethingElseDeadLettersTheRequestAndTheLaneGoesOn() throws IOException {
        StoredBlob image = blobs.put(png(2, 2, Color.GRAY), "image/png");
        for (int i = 0; i < 2; i++) {
            ResponseRequested req = request(image, QuestionType.EASY_QUESTION, "What is this?", BuggyResponder.MODEL);
            kafka.send("spavl.requests." + BuggyResponder.MODEL, req.getQuestionId(), req);
            // the second request is served too: the lane did not stop at the first
            ResponseOutcome failed = awaitOutcome(req.getQuestionId(), BuggyResponder.MODEL);
            assertThat(failed.getStatus()).isEqualTo(ResponseStatus.FAILED);
            assertThat(failed.getErrorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
            assertThat(failed.getErrorMessage()).contains("IllegalStateException", "a bug in the model's own code");
            assertThat(kafka.<ResponseRequested>readAll("spavl.requests." + BuggyResponder.MODEL + ".dlq", Duration.ofSeconds(5)))
                    .as("dead-lettered with the reason, to be replayed once fixed")
                    .anySatisfy(r -> assertThat(r.key()).isEqualTo(req.getQuestionId()));
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(PrometheusText.exact(metrics, "spavl_responder_requests_total", "model=\"java-buggy\",outcome=\"dead_lettered\"").orElse(0))
                .isGreaterThanOrEqualTo(2);
    }

    private static ResponseRequested request(StoredBlob image, QuestionType type, String text) {
        return request(image, type, text, MODEL);
    }

    private static ResponseRequested request(StoredBlob image, QuestionType type, String text, String model) {
        return ResponseRequested.newBuilder()
                .setEventId("evt-" + UUID.randomUUID())
                .setRunId("run-java-example")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setQuestionId("q-" + UUID.randomUUID())
                .setModelId(model)
                .setType(type)
                .setText(text)
                .setImageUri(image.uri().toString())
                .setImageSha256(image.sha256())
                .setAttempt(1)
                .build();
    }

    private ResponseOutcome awaitOutcome(String questionId) {
        return awaitOutcome(questionId, MODEL);
    }

    private ResponseOutcome awaitOutcome(String questionId, String model) {
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> kafka.<ResponseOutcome>readAll("spavl.responses", Duration.ofSeconds(5)).stream()
                        .map(ConsumerRecord::value)
                        .filter(o -> o.getQuestionId().equals(questionId) && o.getModelId().equals(model))
                        .findFirst().orElse(null), Objects::nonNull);
    }

    private static byte[] png(int width, int height, Color color) throws IOException {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                picture.setRGB(x, y, color.getRGB());
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", out);
        return out.toByteArray();
    }
}
