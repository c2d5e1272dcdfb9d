package dev.spavl.contracts.topics;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

import java.util.Map;

/** One concrete topic with the settings it is created with. */
public record TopicSpec(String name, Role role, String valueRecord, int partitions, short replicationFactor,
                        long retentionMs, String cleanupPolicy) {

    public enum Role { MAIN, RETRY, DEAD_LETTER }

    public Map<String, String> configs() {
        return Map.of(
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retentionMs),
                TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
    }

    public NewTopic toNewTopic() {
        return new NewTopic(name, partitions, replicationFactor).configs(configs());
    }
}
