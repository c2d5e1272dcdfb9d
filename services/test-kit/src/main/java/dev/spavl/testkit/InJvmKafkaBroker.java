package dev.spavl.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft Kafka broker inside the test JVM, built on Kafka's own test kit.
 * That kit is Kafka-internal API: this class is the only place that touches it.
 */
public final class InJvmKafkaBroker implements AutoCloseable {

    private final KafkaClusterTestKit cluster;

    private InJvmKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static InJvmKafkaBroker start() {
        try {
            KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(
                    new TestKitNodes.Builder()
                            .setCombined(true)
                            .setNumBrokerNodes(1)
                            .setNumControllerNodes(1)
                            .setBootstrapMetadataVersion(MetadataVersion.LATEST_PRODUCTION)
                            .build())
                    // one broker: without these the internal topics never get created and groups never receive
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new InJvmKafkaBroker(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("the in-JVM Kafka broker did not start: " + e.getMessage(), e);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("the in-JVM Kafka broker did not stop cleanly", e);
        }
    }
}
