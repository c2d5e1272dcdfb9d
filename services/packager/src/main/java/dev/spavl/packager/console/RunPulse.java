package dev.spavl.packager.console;

import dev.spavl.packager.rest.RunProgress;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.util.Map;

/**
 * A run's progress in the figures {@code ./spavl run} prints (images, questions, answers, pairs, quadruples, unresolved,
 * failures and a percentage computed the same way), from what the packager has stored: {@link RunProgress} (the
 * packager's {@code GET /api/runs/{id}} progress) plus the images and expected answers of the run. Images rejected by
 * the generator never reach the packager; they are in the generator's {@code /api/runs/{id}/rejections}.
 *
 * @param images          images of the run registered with the packager (the generator's accepted ones that arrived)
 * @param answersExpected answers the run's questions were sent out for (one per expected responder)
 * @param answersReceived outcomes stored, OK or FAILED
 * @param open            questions still waiting for answers or a verdict
 * @param percent         as {@code ./spavl}: half from answers received of expected, half from questions closed
 * @param progress        the counts behind these figures; its {@code countedAt} says when they were counted (reused
 *                        for a while on a large run, {@link dev.spavl.packager.rest.CountSnapshots})
 */
public record RunPulse(String runId, long images, long questions, long answersExpected, long answersReceived, long answersOk,
                       long answersFailed, long pairs, long quadruples, long resolved, long unresolved, long open, int percent,
                       RunProgress progress) {

    public static Uni<RunPulse> of(String runId) {
        return RunProgress.of(runId).flatMap(p -> Panache.getSession().flatMap(s -> s.createNativeQuery(
                "select (select count(*) from images where run_id = ?1), "
                        + "(select coalesce(sum(case when expected_responders = '' then 0 "
                        + "else array_length(string_to_array(expected_responders, ','), 1) end), 0) from questions where run_id = ?1)",
                Object[].class).setParameter(1, runId).getSingleResult()).map(row -> {
                    long images = ((Number) row[0]).longValue();
                    long expected = ((Number) row[1]).longValue();
                    long questions = sum(p.questionsByState());
                    long received = sum(p.answersByStatus());
                    long resolved = p.questionsByState().getOrDefault("RESOLVED", 0L);
                    long unresolved = p.questionsByState().getOrDefault("UNRESOLVED", 0L);
                    long closed = resolved + unresolved;
                    int percent = 0;
                    if (expected > 0 && questions > 0) {
                        percent = (int) Math.min(100, received * 50 / expected + closed * 50 / questions);
                    }
                    return new RunPulse(runId, images, questions, expected, received, p.answersByStatus().getOrDefault("OK", 0L),
                            p.answersByStatus().getOrDefault("FAILED", 0L), sum(p.pairsByOutcome()), sum(p.quadruplesBySplit()),
                            resolved, unresolved, questions - closed, percent, p);
                }));
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }
}
