package dev.spavl.responder.service;

import dev.spavl.events.ResponderHeartbeat;
import dev.spavl.events.ResponderStatus;
import dev.spavl.responder.config.ResponderConfig;
import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

/** Every lane announces itself on the compacted responders topic through the real registry. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
class LaneHeartbeatsTest {

    @Inject
    LaneHeartbeats heartbeats;

    @Test
    void everyCatalogLaneIsAnnouncedActiveKeyedByModel() {
        // the paper's 12, plus a 13th model the test profile adds by configuration only
        List<String> models = new java.util.ArrayList<>(SpavlKafkaResource.defaultModels());
        models.add("test-vlm-13");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<ConsumerRecord<String, ResponderHeartbeat>> beats = AvroTopicClient.forCurrentTestResource()
                    .readAll("spavl.responders", Duration.ofSeconds(10));
            Map<String, ResponderHeartbeat> latest = beats.stream()
                    .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
            // other test classes may share the broker and leave lanes of their own on the topic
            assertThat(latest).containsKeys(models.toArray(String[]::new));
            latest.keySet().retainAll(models);
            assertThat(latest.get("test-vlm-13").getDisplayName()).isEqualTo("Test VLM 13");
            assertThat(latest.get("qwen-vl-chat").getConcurrency()).isPositive();
            assertThat(latest.values()).allSatisfy(b -> {
                assertThat(b.getStatus()).isEqualTo(ResponderStatus.ACTIVE);
                assertThat(b.getProvider()).isEqualTo("simulated");
                assertThat(b.getRunId()).isNull();
                assertThat(b.getIntervalMs()).isEqualTo(30_000L);
            });
        });
        given().get("/q/metrics").then()
                .body(containsString("spavl_responder_heartbeats_total{model=\"gemini-pro-vision-jb\",status=\"active\"}"));
    }

    @Test
    void drainingIsAnnouncedForEveryHostedLane() {
        // what the shutdown observer sends before the lanes drain; ACTIVE again afterwards for the other tests
        heartbeats.announce(ResponderStatus.DRAINING).await().atMost(Duration.ofSeconds(10));
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, ResponderHeartbeat> latest = AvroTopicClient.forCurrentTestResource()
                        .<ResponderHeartbeat>readAll("spavl.responders", Duration.ofSeconds(10)).stream()
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
                assertThat(heartbeats.lanes()).allSatisfy(model ->
                        assertThat(latest.get(model).getStatus()).as(model).isEqualTo(ResponderStatus.DRAINING));
            });
        } finally {
            heartbeats.announce(ResponderStatus.ACTIVE).await().atMost(Duration.ofSeconds(10));
        }
    }

    @Test
    void aStandbyIntervalMakesAStoppingProcessAnnounceItsLanesActive() {
        assertThat(LaneHeartbeats.shutdownStatus(config(Optional.empty()))).isEqualTo(ResponderStatus.DRAINING);
        assertThat(LaneHeartbeats.shutdownStatus(config(Optional.of(Duration.ofDays(30))))).isEqualTo(ResponderStatus.ACTIVE);
    }

    @Test
    void theStandbyIntervalIsAnnouncedAsTheHeartbeatInterval() {
        // what the shutdown observer sends when spavl.responder.standby-interval=30d; the usual interval again afterwards
        heartbeats.announce(ResponderStatus.ACTIVE, Duration.ofDays(30)).await().atMost(Duration.ofSeconds(10));
        try {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                Map<String, ResponderHeartbeat> latest = AvroTopicClient.forCurrentTestResource()
                        .<ResponderHeartbeat>readAll("spavl.responders", Duration.ofSeconds(10)).stream()
                        .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value, (a, b) -> b));
                assertThat(heartbeats.lanes()).allSatisfy(model -> {
                    assertThat(latest.get(model).getStatus()).as(model).isEqualTo(ResponderStatus.ACTIVE);
                    assertThat(latest.get(model).getIntervalMs()).as(model).isEqualTo(Duration.ofDays(30).toMillis());
                });
            });
        } finally {
            heartbeats.announce(ResponderStatus.ACTIVE).await().atMost(Duration.ofSeconds(10));
        }
    }

    private static ResponderConfig config(Optional<Duration> standby) {
        return new ResponderConfig() {
            public String models() {
                return "all";
            }

            public Duration heartbeatInterval() {
                return Duration.ofSeconds(30);
            }

            public Optional<String> instance() {
                return Optional.empty();
            }

            public Optional<Duration> standbyInterval() {
                return standby;
            }
        };
    }

    @Test
    void healthIsUp() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }
}
