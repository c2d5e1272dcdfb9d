package dev.spavl.packager.console;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.packager.lag.ConsumerLagMonitor;
import dev.spavl.packager.lag.LagSnapshot;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Per responder lane (model): its consumer group's lag on its request and retry topics and its consumption rate (from
 * the lag monitor's last round, no Admin call of its own), the outcomes the packager stored for it (OK, FAILED by
 * error kind), and the records in its dead-letter topic.
 */
@ApplicationScoped
public class LaneFigures {

    /** How the lag in seconds reads: caught up (0), estimated, stalled (records wait, nothing consumed in the window), unknown. */
    public enum LagState { CAUGHT_UP, ESTIMATED, STALLED, UNKNOWN, NOT_MEASURED }

    /**
     * One lane.
     *
     * @param lagRecords        records waiting in the request and retry topics for the lane's group (null: not measured)
     * @param lagSeconds        estimated seconds to catch up at the recent rate (null unless {@code lagState} is ESTIMATED or CAUGHT_UP)
     * @param requestsPerMinute requests the lane's group consumed per minute over the lag window (null: not measured)
     * @param answersOk         OK outcomes the packager stored for the lane (this run, or all runs)
     * @param answersFailed     FAILED outcomes the packager stored for the lane
     * @param deadLetters       records in the lane's dead-letter topic (all runs: a dead-letter topic is not per run)
     */
    public record Lane(String model, String requestTopic, List<String> groups, Long lagRecords, Double lagSeconds, LagState lagState,
                       Double requestsPerMinute, long answersOk, long answersFailed, Map<String, Long> failedByKind,
                       String deadLetterTopic, Long deadLetters) {
    }

    /** Every lane, and when the lag figures were measured (null: never in this instance). */
    public record Lanes(String runId, Instant lagMeasuredAt, boolean lagMonitorEnabled, List<Lane> lanes) {
    }

    private final ConsumerLagMonitor lag;
    private final DeadLetterTopics deadLetters;
    private final AgroalDataSource db;
    private final String prefix;
    private final boolean lagEnabled;

    public LaneFigures(ConsumerLagMonitor lag, DeadLetterTopics deadLetters, AgroalDataSource db,
                       @ConfigProperty(name = "spavl.topic-prefix") String prefix,
                       @ConfigProperty(name = "spavl.packager.lag.enabled", defaultValue = "true") boolean lagEnabled) {
        this.lag = lag;
        this.deadLetters = deadLetters;
        this.db = db;
        this.prefix = prefix;
        this.lagEnabled = lagEnabled;
    }

    /** @param runId null: outcomes of all runs */
    public Lanes of(String runId) {
        TreeSet<String> models = new TreeSet<>();
        for (String t : deadLetters.topicNames()) {
            TopicNames.modelOfRequests(prefix, t).ifPresent(models::add);
        }
        Map<String, long[]> outcomes = new TreeMap<>(); // model -> {ok, failed}
        Map<String, Map<String, Long>> kinds = new TreeMap<>();
        readOutcomes(runId, outcomes, kinds);
        models.addAll(outcomes.keySet());
        Map<String, Long> dlqCounts = new TreeMap<>();
        deadLetters.topics().forEach(t -> dlqCounts.put(t.topic(), t.records()));
        LagSnapshot snapshot = lag.latest();

        List<Lane> out = new ArrayList<>();
        for (String m : models) {
            String topic = TopicNames.requests(prefix, m);
            TreeSet<String> groups = new TreeSet<>();
            long records = 0;
            double rate = 0;
            boolean measured = false;
            boolean rateUnknown = false;
            for (LagSnapshot.Entry e : snapshot.entries()) {
                if (e.topic().equals(topic) || e.topic().equals(TopicNames.retryOf(topic))) {
                    measured = true;
                    groups.add(e.group());
                    records += e.records();
                    if (Double.isNaN(e.ratePerSecond())) {
                        rateUnknown = true;
                    } else {
                        rate += e.ratePerSecond();
                    }
                }
            }
            LagState state;
            Double seconds = null;
            if (!measured) {
                state = LagState.NOT_MEASURED;
            } else if (records == 0) {
                state = LagState.CAUGHT_UP;
                seconds = 0.0;
            } else if (rateUnknown) {
                state = LagState.UNKNOWN;
            } else if (rate == 0) {
                state = LagState.STALLED;
            } else {
                state = LagState.ESTIMATED;
                seconds = records / rate;
            }
            long[] o = outcomes.getOrDefault(m, new long[2]);
            String dlq = TopicNames.deadLetterOf(topic);
            out.add(new Lane(m, topic, List.copyOf(groups), measured ? records : null, seconds, state,
                    measured && !rateUnknown ? rate * 60 : null, o[0], o[1], kinds.getOrDefault(m, Map.of()), dlq, dlqCounts.get(dlq)));
        }
        return new Lanes(runId, snapshot.measuredAt(), lagEnabled, out);
    }

    private void readOutcomes(String runId, Map<String, long[]> outcomes, Map<String, Map<String, Long>> kinds) {
        String sql = "select model_id, status, coalesce(error_kind, ''), count(*) from answers"
                + (runId == null ? "" : " where run_id = ?") + " group by model_id, status, coalesce(error_kind, '')";
        try (Connection c = db.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (runId != null) {
                st.setString(1, runId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    String model = rs.getString(1);
                    long n = rs.getLong(4);
                    long[] o = outcomes.computeIfAbsent(model, k -> new long[2]);
                    if ("OK".equals(rs.getString(2))) {
                        o[0] += n;
                    } else {
                        o[1] += n;
                        String kind = rs.getString(3).isEmpty() ? "UNKNOWN" : rs.getString(3);
                        kinds.computeIfAbsent(model, k -> new TreeMap<>()).merge(kind, n, Long::sum);
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the stored outcomes per model: " + e.getMessage(), e);
        }
    }
}
