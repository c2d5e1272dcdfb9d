package dev.spavl.packager.service;

import dev.spavl.events.DatasetSplit;
import dev.spavl.packager.persistence.QuestionEntity;
import dev.spavl.taxonomy.Leaf;
import dev.spavl.taxonomy.Taxonomy;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The packager's operations meters (names: {@code docs/metrics.md}): questions by state, counted in PostgreSQL every
 * {@code spavl.packager.question-states-interval} (15 s) without blocking the event loop, so the gauge holds across
 * restarts and packager instances agree; quadruples published per class2 and split (registered at start for every
 * class2 of the taxonomy and every assigned split, so "no quadruple for N minutes" sees 0, not nothing); exports by
 * status. Run ids are never tags (unbounded); per-run numbers are in the run API.
 */
// created at start (not on first use), so the series exist before the first event
@io.quarkus.runtime.Startup
@ApplicationScoped
public class PackagerMetrics {

    private static final Logger LOG = Logger.getLogger(PackagerMetrics.class);
    private static final String PREFIX = "spavl.packager";
    /** The splits the packager assigns (TEST is from the first contract and no longer assigned). */
    private static final Set<DatasetSplit> ASSIGNED = Set.of(DatasetSplit.TRAIN, DatasetSplit.VALIDATION, DatasetSplit.TEST_HARM,
            DatasetSplit.TEST_HELP);

    private final MeterRegistry metrics;
    private final Map<QuestionEntity.State, AtomicLong> byState = new EnumMap<>(QuestionEntity.State.class);

    public PackagerMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
        for (QuestionEntity.State state : QuestionEntity.State.values()) {
            AtomicLong n = new AtomicLong();
            byState.put(state, n);
            Gauge.builder(PREFIX + ".questions", n, AtomicLong::get).tag("state", tag(state))
                    .description("questions by state in the packager's database (all runs): waiting for answers, judging, "
                            + "resolved (a quadruple), unresolved").register(metrics);
        }
        Set<String> class2 = new TreeSet<>();
        for (Leaf leaf : Taxonomy.bundled().leaves()) {
            class2.add(leaf.class2());
        }
        for (String c : class2) {
            for (DatasetSplit split : ASSIGNED) {
                quadruples(c, split);
            }
        }
        for (String status : new String[] {"done", "failed"}) {
            exports(status);
        }
    }

    static String tag(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** A quadruple the broker acknowledged on the quadruples topic. */
    public Counter quadruples(String class2, DatasetSplit split) {
        return Counter.builder(PREFIX + ".quadruples").tags("class2", class2, "split", tag(split))
                .description("quadruples published, by harm category (class2) and dataset split").register(metrics);
    }

    /** {@code status} = done or failed. */
    public Counter exports(String status) {
        return Counter.builder(PREFIX + ".exports").tag("status", status).description("dataset exports finished, by status")
                .register(metrics);
    }

    @Scheduled(every = "${spavl.packager.question-states-interval:15s}", delayed = "2s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refreshQuestionStates() {
        return Panache.withSession(() -> Panache.getSession().flatMap(s -> s.createSelectionQuery(
                        "select q.state, count(q) from QuestionEntity q group by q.state", Object[].class).getResultList()))
                .invoke(rows -> {
                    Map<QuestionEntity.State, Long> counts = new EnumMap<>(QuestionEntity.State.class);
                    for (Object[] r : rows) {
                        counts.put(QuestionEntity.State.valueOf((String) r[0]), ((Number) r[1]).longValue());
                    }
                    byState.forEach((state, n) -> n.set(counts.getOrDefault(state, 0L)));
                })
                .onFailure().invoke(f -> {
                    metrics.counter(PREFIX + ".question.states.failures").increment();
                    LOG.warnf("questions by state not counted this round (%s); the gauge keeps its last values", f.toString());
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
