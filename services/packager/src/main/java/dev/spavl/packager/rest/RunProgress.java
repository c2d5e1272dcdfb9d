package dev.spavl.packager.rest;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a run stands: questions by state, answers by status and error kind, pairs by verdict, quadruples by
 * split and by class2, and why questions closed unresolved; {@code countedAt}: when the counting began (a count may be
 * reused for a while, {@link CountSnapshots}).
 */
public record RunProgress(Map<String, Long> questionsByState, Map<String, Long> answersByStatus,
                          Map<String, Long> failedAnswersByKind, Map<String, Long> pairsByOutcome,
                          Map<String, Long> quadruplesBySplit, Map<String, Long> quadruplesByClass2,
                          Map<String, Long> unresolvedReasons, Instant countedAt) {

    public static Uni<RunProgress> of(String runId) {
        Instant countedAt = Instant.now();
        return count("select q.state, count(q) from QuestionEntity q where q.runId = ?1 group by q.state", runId)
                .flatMap(questions -> count("select a.status, count(a) from AnswerEntity a where a.runId = ?1 group by a.status", runId)
                .flatMap(answers -> count("select a.errorKind, count(a) from AnswerEntity a where a.runId = ?1 and a.status = 'FAILED' "
                        + "group by a.errorKind", runId)
                .flatMap(failed -> count("select coalesce(p.outcome, 'PENDING'), count(p) from PairEntity p, QuestionEntity q "
                        + "where q.questionId = p.questionId and q.runId = ?1 group by coalesce(p.outcome, 'PENDING')", runId)
                .flatMap(pairs -> count("select d.split, count(d) from QuadrupleEntity d where d.runId = ?1 group by d.split", runId)
                .flatMap(splits -> count("select q.class2, count(d) from QuadrupleEntity d, QuestionEntity q "
                        + "where q.questionId = d.questionId and d.runId = ?1 group by q.class2", runId)
                .flatMap(class2 -> count("select q.unresolvedReason, count(q) from QuestionEntity q where q.runId = ?1 "
                        + "and q.state = 'UNRESOLVED' group by q.unresolvedReason", runId)
                .map(reasons -> new RunProgress(questions, answers, failed, pairs, splits, class2, reasons, countedAt))))))));
    }

    private static Uni<Map<String, Long>> count(String hql, String runId) {
        return Panache.getSession().flatMap(s -> s.createSelectionQuery(hql, Object[].class).setParameter(1, runId).getResultList())
                .map(RunProgress::toMap);
    }

    private static Map<String, Long> toMap(List<Object[]> rows) {
        Map<String, Long> out = new TreeMap<>();
        for (Object[] r : rows) {
            out.put(r[0] == null ? "UNKNOWN" : r[0].toString(), ((Number) r[1]).longValue());
        }
        return out;
    }
}
