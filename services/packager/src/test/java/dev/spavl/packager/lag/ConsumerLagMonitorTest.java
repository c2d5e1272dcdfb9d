package dev.spavl.packager.lag;

import dev.spavl.testkit.AvroTopicClient;
import dev.spavl.testkit.PostgresDatabaseResource;
import dev.spavl.testkit.SpavlKafkaResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/** Lag measured with the Admin API against a real broker, as the metrics the dashboards and alerts read. */
@QuarkusTest
@WithTestResource(SpavlKafkaResource.class)
@WithTestResource(PostgresDatabaseResource.class)
class ConsumerLagMonitorTest {

    @Inject
    ConsumerLagMonitor monitor;

    @Test
    void lagInRecordsAndSecondsPerGroupAndTopic() throws Exception {
        String topic = "spavl.lag-test";
        String group = "spavl-lag-test";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SpavlKafkaResource.current().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
            for (int i = 0; i < 10; i++) {
                kafka.sendRaw(topic, "k" + i, ("record " + i).getBytes(StandardCharsets.UTF_8));
            }
            TopicPartition tp = new TopicPartition(topic, 0);
            Instant t0 = Instant.parse("2026-11-26T10:00:00Z");

            admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(2))).all().get();
            monitor.measure(t0);
            String first = metrics();
            expect(first, "spavl_consumer_lag_records", group, topic, "8.0");
            expect(first, "spavl_consumer_lag_seconds", group, topic, "NaN");

            // 4 records consumed in 10 s (0.4/s), 4 still waiting: 10 s to catch up
            admin.alterConsumerGroupOffsets(group, Map.of(tp, new OffsetAndMetadata(6))).all().get();
            monitor.measure(t0.plusSeconds(10));
            String second = metrics();
            expect(second, "spavl_consumer_lag_records", group, topic, "4.0");
            expect(second, "spavl_consumer_consumption_rate", group, topic, "0.4");
            expect(second, "spavl_consumer_lag_seconds", group, topic, "10.0");

            // nothing consumed over a whole window (2 min): it would never catch up at this rate
            monitor.measure(t0.plusSeconds(10 + 150));
            expect(metrics(), "spavl_consumer_lag_seconds", group, topic, "+Inf");
        }
    }

    @Test
    void recordsHeldInEveryDeadLetterTopic() throws Exception {
        monitor.measure(Instant.now());
        String before = metrics();
        // every dead-letter topic of schemas/topics.yaml has its series, records or not
        for (String dlq : List.of("spavl.questions.dlq", "spavl.responses.dlq", "spavl.pairs.dlq", "spavl.requests.llava-1.5-7b.dlq")) {
            org.assertj.core.api.Assertions.assertThat(before).containsPattern(
                    "(?m)^spavl_dead_letter_records\\{topic=\"" + java.util.regex.Pattern.quote(dlq) + "\"} [0-9.]+$");
        }
        double held = dev.spavl.testkit.PrometheusText.first(before, "spavl_dead_letter_records", "topic=\"spavl.verdicts.dlq\"");
        AvroTopicClient kafka = AvroTopicClient.forCurrentTestResource();
        for (int i = 0; i < 3; i++) {
            kafka.sendRaw("spavl.verdicts.dlq", "dead-" + i, "poison".getBytes(StandardCharsets.UTF_8));
        }
        monitor.measure(Instant.now());
        org.assertj.core.api.Assertions.assertThat(
                dev.spavl.testkit.PrometheusText.first(metrics(), "spavl_dead_letter_records", "topic=\"spavl.verdicts.dlq\"")).isEqualTo(held + 3);
    }

    private static String metrics() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    private static void expect(String metrics, String name, String group, String topic, String value) {
        org.assertj.core.api.Assertions.assertThat(metrics)
                .contains(name + "{group=\"" + group + "\",topic=\"" + topic + "\"} " + value);
    }
}
