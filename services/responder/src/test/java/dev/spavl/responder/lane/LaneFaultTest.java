package dev.spavl.responder.lane;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.blobstore.StoredBlob;
import dev.spavl.events.ErrorKind;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseRequested;
import dev.spavl.events.ResponseStatus;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static dev.spavl.responder.lane.LaneTestSupport.awaitOutcome;
import static dev.spavl.responder.lane.LaneTestSupport.metric;
import static dev.spavl.responder.lane.LaneTestSupport.openAiOk;
import static dev.spavl.responder.lane.LaneTestSupport.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Transient failures: rounds through the retry topic, the dead-letter topic, the circuit breaker. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(WireModelResource.class)
class LaneFaultTest {

    @Inject
    BlobStore blobs;

    private final AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
    private StoredBlob image;

    @BeforeEach
    void storeAnImage() {
        image = blobs.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 4, 5, 6}, "image/png");
        WireModelResource.server.resetAll();
    }

    @Test
    void afterEveryRoundTheRequestIsDeadLetteredAndAFailedOutcomePublished() {
        // wire-vlm: 3 calls per round, one round through the retry topic (2 s), so 6 calls in all
        WireModelResource.server.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(500)));
        ResponseRequested req = request(image, "wire-vlm", "Describe it.");
        kafka.send("spavl.requests.wire-vlm", req.getQuestionId(), req);

        ResponseOutcome outcome = awaitOutcome(kafka, req.getQuestionId(), "wire-vlm");
        assertThat(outcome.getStatus()).isEqualTo(ResponseStatus.FAILED);
        assertThat(outcome.getErrorKind()).isEqualTo(ErrorKind.SERVER_ERROR);
        assertThat(outcome.getAttempts()).isEqualTo(6);
        WireModelResource.server.verify(6, postRequestedFor(urlEqualTo("/v1/chat/completions")));

        List<ConsumerRecord<String, ResponseRequested>> retried = kafka.readAll("spavl.requests.wire-vlm.retry", Duration.ofSeconds(10));
        assertThat(retried).filteredOn(r -> r.key().equals(req.getQuestionId())).singleElement().satisfies(r -> {
            assertThat(header(r, Redelivery.ATTEMPTS)).isEqualTo("3");
            assertThat(header(r, Redelivery.LAST_ERROR)).contains("500");
            assertThat(Long.parseLong(header(r, Redelivery.NOT_BEFORE))).isGreaterThan(r.timestamp());
        });
        List<ConsumerRecord<String, ResponseRequested>> dead = kafka.readAll("spavl.requests.wire-vlm.dlq", Duration.ofSeconds(10));
        assertThat(dead).filteredOn(r -> r.key().equals(req.getQuestionId())).singleElement().satisfies(r -> {
            assertThat(header(r, "dead-letter-reason")).contains("gave up after 6 attempts");
            assertThat(header(r, "dead-letter-attempts")).isEqualTo("6");
            assertThat(header(r, "traceparent")).as("the request's trace goes on with its dead letter").startsWith("00-");
            assertThat(r.value().getText()).isEqualTo("Describe it.");
        });
        assertThat(metric("spavl_responder_dead_letters_total", "model=\"wire-vlm\"")).isPositive();
        assertThat(metric("spavl_responder_redeliveries_total", "model=\"wire-vlm\"")).isPositive();
        assertThat(metric("spavl_responder_requests_total", "model=\"wire-vlm\",outcome=\"dead_lettered\"")).isPositive();
        assertThat(metric("spavl_responder_retries_total", "model=\"wire-vlm\"")).isGreaterThanOrEqualTo(5);
    }

    @Test
    void theCircuitOpensOnFailuresPausesTheLaneAndClosesOnItsOwn() {
        // wire-breaker: 1 call per round, 1 s on the retry topic; 3 failures of 4 calls open it for 3 s
        WireModelResource.server.stubFor(post(urlEqualTo("/breaker/v1/chat/completions")).inScenario("outage")
                .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withStatus(503)));
        WireModelResource.server.stubFor(post(urlEqualTo("/breaker/v1/chat/completions")).inScenario("outage")
                .whenScenarioStateIs("recovered").willReturn(openAiOk("Back again.")));
        List<ResponseRequested> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ResponseRequested req = request(image, "wire-breaker", "Question " + i);
            reqs.add(req);
            kafka.send("spavl.requests.wire-breaker", req.getQuestionId(), req);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> metric("spavl_responder_circuit_state", "model=\"wire-breaker\"") == 2.0);
        assertThat(metric("spavl_responder_lane_paused", "model=\"wire-breaker\"")).isEqualTo(1.0);
        int callsWhenOpened = calls("/breaker/v1/chat/completions");
        // no call reaches the model while the circuit is open (1.5 s, well inside the 3 s open period)
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(2))
                .until(() -> calls("/breaker/v1/chat/completions") == callsWhenOpened);
        WireModelResource.server.setScenarioState("outage", "recovered");

        // half-open after 3 s, the trial calls succeed, the circuit closes and every request is answered
        for (ResponseRequested req : reqs) {
            assertThat(awaitOutcome(kafka, req.getQuestionId(), "wire-breaker").getStatus()).isEqualTo(ResponseStatus.OK);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> metric("spavl_responder_circuit_state", "model=\"wire-breaker\"") == 0.0);
        assertThat(metric("spavl_responder_lane_paused", "model=\"wire-breaker\"")).isZero();
    }

    private static int calls(String path) {
        return WireModelResource.server.findAll(postRequestedFor(urlEqualTo(path))).size();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        return r.headers().lastHeader(name) == null ? null : new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
