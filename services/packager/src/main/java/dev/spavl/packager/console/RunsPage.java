package dev.spavl.packager.console;

import dev.spavl.packager.persistence.RunEntity;
import dev.spavl.packager.rest.Paging;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A page of the runs the packager recorded, newest first (requested time, then id, so pages do not overlap), each with
 * where it stands in the packager's tables: the console's runs table. Five statements per page, whatever the number
 * of runs: the total, the page, and the question and quadruple counts of the page's runs only.
 *
 * @param total runs recorded, all pages
 */
public record RunsPage(int page, int size, long total, List<Row> items) {

    /**
     * What the packager can tell of a run's state (the generator's own REQUESTED/RUNNING/COMPLETED/FAILED is in its
     * {@code /api/runs/{id}}; the console reads only the packager).
     */
    public enum State {
        /** Recorded, no question arrived: the generator is still reading the input, or the run failed there. */
        NO_QUESTIONS,
        /** Questions are waiting for answers or a verdict. */
        OPEN,
        /** Every question that arrived is closed (resolved or not); more may come while the generator still works. */
        CLOSED,
        /** The run was cancelled: its open questions were closed as CANCELLED, what was finished stays. */
        CANCELLED
    }

    /**
     * One run. {@code seedText} is {@code seed} as a decimal string: a JSON number above 2^53 is rounded by JavaScript's
     * {@code JSON.parse}, and a rounded seed cannot reproduce its run.
     *
     * @param questionsClosed resolved, unresolved or otherwise closed, of {@code questions} stored
     */
    public record Row(String runId, Instant requestedAt, String sourceKind, String sourceUri, String fanOut, Integer sampleSize,
                      List<String> targets, long seed, String seedText, State state, long questions, long questionsClosed,
                      long quadruples) {
    }

    public static Uni<RunsPage> of(Paging paging) {
        return Panache.getSession().flatMap(s -> s.createSelectionQuery("select count(r) from RunEntity r", Long.class).getSingleResult()
                .flatMap(total -> s.createSelectionQuery("from RunEntity r order by r.requestedAt desc, r.runId desc", RunEntity.class)
                        .setFirstResult(paging.offset()).setMaxResults(paging.size()).getResultList()
                        .flatMap(runs -> {
                            if (runs.isEmpty()) {
                                return Uni.createFrom().item(new RunsPage(paging.page(), paging.size(), total, List.of()));
                            }
                            String[] ids = runs.stream().map(r -> r.runId).toArray(String[]::new);
                            return s.createNativeQuery("select run_id, count(*), count(*) filter (where state not in ('WAITING', 'JUDGING'))"
                                            + " from questions where run_id = any(cast(?1 as varchar[])) group by run_id", Object[].class)
                                    .setParameter(1, ids).getResultList()
                                    .flatMap(questions -> s.createNativeQuery("select run_id, count(*) from quadruples"
                                                    + " where run_id = any(cast(?1 as varchar[])) group by run_id", Object[].class)
                                            .setParameter(1, ids).getResultList()
                                            .flatMap(quadruples -> s.createNativeQuery("select run_id from run_cancellations"
                                                            + " where run_id = any(cast(?1 as varchar[]))", String.class)
                                                    .setParameter(1, ids).getResultList()
                                                    .map(cancelled -> new RunsPage(paging.page(), paging.size(), total,
                                                            rows(runs, questions, quadruples, java.util.Set.copyOf(cancelled))))));
                        })));
    }

    private static List<Row> rows(List<RunEntity> runs, List<Object[]> questionCounts, List<Object[]> quadrupleCounts,
                                  java.util.Set<String> cancelled) {
        Map<String, long[]> questions = new HashMap<>();
        for (Object[] q : questionCounts) {
            questions.put((String) q[0], new long[] {((Number) q[1]).longValue(), ((Number) q[2]).longValue()});
        }
        Map<String, Long> quadruples = new HashMap<>();
        for (Object[] d : quadrupleCounts) {
            quadruples.put((String) d[0], ((Number) d[1]).longValue());
        }
        return runs.stream().map(r -> {
            long[] q = questions.getOrDefault(r.runId, new long[] {0, 0});
            State state = cancelled.contains(r.runId) ? State.CANCELLED
                    : q[0] == 0 ? State.NO_QUESTIONS : q[1] < q[0] ? State.OPEN : State.CLOSED;
            return new Row(r.runId, r.requestedAt, r.sourceKind, r.sourceUri, r.fanOut, r.sampleSize,
                    r.targets == null || r.targets.isEmpty() ? List.of() : Arrays.asList(r.targets.split(",")),
                    r.seed, Long.toString(r.seed), state, q[0], q[1], quadruples.getOrDefault(r.runId, 0L));
        }).toList();
    }
}
