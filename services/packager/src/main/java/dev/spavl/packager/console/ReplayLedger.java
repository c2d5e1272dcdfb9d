package dev.spavl.packager.console;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The console_replays table: a replay first claims the dead-letter coordinates (an insert that does nothing when
 * they are taken), so two clicks or two operators replay a record once. Plain JDBC on worker threads, like the
 * exporter: the console's Kafka calls block anyway.
 */
@ApplicationScoped
public class ReplayLedger {

    private final AgroalDataSource db;

    public ReplayLedger(AgroalDataSource db) {
        this.db = db;
    }

    /** True when this call took the coordinates; false when they were claimed or replayed before. */
    public boolean claim(String topic, int partition, long offset, String target, String key, String operator) {
        String sql = "insert into console_replays (dlq_topic, dlq_partition, dlq_offset, target_topic, record_key, operator, state, "
                + "requested_at) values (?, ?, ?, ?, ?, ?, 'CLAIMED', ?) on conflict do nothing";
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, topic);
            st.setInt(2, partition);
            st.setLong(3, offset);
            st.setString(4, target);
            st.setString(5, key);
            st.setString(6, operator);
            st.setTimestamp(7, Timestamp.from(Instant.now()));
            return st.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the replay of " + topic + "/" + partition + "@" + offset + ": " + e.getMessage(), e);
        }
    }

    public void replayed(String topic, int partition, long offset, int targetPartition, long targetOffset) {
        String sql = "update console_replays set state = 'REPLAYED', target_partition = ?, target_offset = ?, replayed_at = ? "
                + "where dlq_topic = ? and dlq_partition = ? and dlq_offset = ?";
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setInt(1, targetPartition);
            st.setLong(2, targetOffset);
            st.setTimestamp(3, Timestamp.from(Instant.now()));
            st.setString(4, topic);
            st.setInt(5, partition);
            st.setLong(6, offset);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("the record " + topic + "/" + partition + "@" + offset + " was replayed to partition "
                    + targetPartition + " offset " + targetOffset + " but that could not be recorded: " + e.getMessage(), e);
        }
    }

    /** Gives the coordinates back after a send that failed, so the replay can be tried again. */
    public void release(String topic, int partition, long offset) {
        String sql = "delete from console_replays where dlq_topic = ? and dlq_partition = ? and dlq_offset = ? and state = 'CLAIMED'";
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, topic);
            st.setInt(2, partition);
            st.setLong(3, offset);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot release the claim on " + topic + "/" + partition + "@" + offset + ": " + e.getMessage(), e);
        }
    }

    public Optional<DeadLetterRecord.Replay> find(String topic, int partition, long offset) {
        return Optional.ofNullable(of(topic, "and dlq_partition = ? and dlq_offset = ?", partition, offset).get(partition + "@" + offset));
    }

    /** The replays of a topic's records, by "partition@offset". */
    public Map<String, DeadLetterRecord.Replay> ofTopic(String topic) {
        return of(topic, "");
    }

    /** Replays recorded per dead-letter topic. */
    public Map<String, Long> countsByTopic() {
        Map<String, Long> out = new HashMap<>();
        try (Connection c = db.getConnection();
             PreparedStatement st = c.prepareStatement("select dlq_topic, count(*) from console_replays group by dlq_topic");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read console_replays: " + e.getMessage(), e);
        }
    }

    private Map<String, DeadLetterRecord.Replay> of(String topic, String where, Object... more) {
        String sql = "select dlq_partition, dlq_offset, state, target_topic, target_partition, target_offset, operator, requested_at, "
                + "replayed_at from console_replays where dlq_topic = ? " + where;
        Map<String, DeadLetterRecord.Replay> out = new HashMap<>();
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, topic);
            for (int i = 0; i < more.length; i++) {
                st.setObject(i + 2, more[i]);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Timestamp replayedAt = rs.getTimestamp(9);
                    out.put(rs.getInt(1) + "@" + rs.getLong(2), new DeadLetterRecord.Replay(rs.getString(3), rs.getString(4),
                            (Integer) rs.getObject(5), (Long) rs.getObject(6), rs.getString(7), rs.getTimestamp(8).toInstant(),
                            replayedAt == null ? null : replayedAt.toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read console_replays: " + e.getMessage(), e);
        }
    }
}
