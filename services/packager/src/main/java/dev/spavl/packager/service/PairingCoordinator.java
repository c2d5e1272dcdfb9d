package dev.spavl.packager.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.DatasetSplit;
import dev.spavl.events.PairJudged;
import dev.spavl.events.PairOutcome;
import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.pairing.Candidate;
import dev.spavl.packager.pairing.PairSampler;
import dev.spavl.packager.pairing.SafetyGroups;
import dev.spavl.packager.pairing.SampledPair;
import dev.spavl.packager.pairing.StableHash;
import dev.spavl.packager.pairing.UnsafeTally;
import dev.spavl.packager.persistence.AnswerEntity;
import dev.spavl.packager.persistence.ImageEntity;
import dev.spavl.packager.persistence.LabelEntity;
import dev.spavl.packager.persistence.PairEntity;
import dev.spavl.packager.persistence.QuadrupleEntity;
import dev.spavl.packager.persistence.QuestionEntity;
import dev.spavl.packager.persistence.QuestionEntity.State;
import dev.spavl.packager.persistence.RunEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Moves a question forward, always inside the caller's transaction and with the question row locked
 * (SELECT ... FOR UPDATE), so the consumers of answers, labels and verdicts, which run concurrently, cannot
 * pair a question twice. WAITING -> (ready, or quorum after the timeout) -> a pair is sampled across safety
 * groups and stored unpublished (the relay sends it) -> JUDGING -> a consistent verdict makes the one
 * quadruple (RESOLVED); any other verdict draws another pair until max-pair-attempts, then UNRESOLVED with
 * the reason.
 */
@ApplicationScoped
public class PairingCoordinator {

    private static final Logger LOG = Logger.getLogger(PairingCoordinator.class);

    private final PackagerConfig config;
    private final PairSampler sampler = new PairSampler();
    private final SafetyGroups staticGroups;
    private final Map<String, Double> priors;
    private final MeterRegistry metrics;

    public PairingCoordinator(PackagerConfig config, MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
        this.staticGroups = config.staticGroups().map(SafetyGroups::parse).orElse(null);
        this.priors = SafetyGroups.parsePriors(config.priorUnsafeRates());
    }

    /** Pairs the question if it is ready (or has a quorum after the timeout); otherwise leaves it waiting. */
    public Uni<Void> advance(String questionId) {
        return lock(List.of(questionId)).chain(() -> lockedAdvance(questionId));
    }

    /**
     * Takes the questions' locks for the rest of the transaction, in one fixed order, whether their rows exist yet or
     * not. A row lock (SELECT ... FOR UPDATE) is not enough: a question inserted but not committed is invisible to a
     * concurrent transaction of answers, and each would check the other's work before it committed, so a question
     * whose last answer came in with it stayed waiting (seen at scale: 59 of 10,872). Every writer checks a question
     * after taking its lock, so the second one sees the first one's rows.
     */
    private Uni<Void> lock(Collection<String> questionIds) {
        return Panache.getSession().flatMap(s -> SessionSql.select(s, "select count(*) from (select pg_advisory_xact_lock(k) from"
                        + " (select distinct hashtextextended(id, 0) as k from unnest(cast($1 as varchar[])) as id order by k) o) l",
                        (Object) questionIds.toArray(String[]::new))).replaceWithVoid();
    }

    private Uni<Void> lockedAdvance(String questionId) {
        return QuestionEntity.<QuestionEntity>findById(questionId, LockModeType.PESSIMISTIC_WRITE).flatMap(q -> {
            if (q == null || !q.is(State.WAITING)) {
                return Uni.createFrom().voidItem();
            }
            boolean timedOut = q.receivedAt.plus(config.answerTimeout()).isBefore(Instant.now());
            return (timedOut ? Uni.createFrom().item(true) : allIn(q)).flatMap(look -> !look ? Uni.createFrom().voidItem()
                    : AnswerEntity.<AnswerEntity>list("questionId", questionId).flatMap(answers ->
                    LabelEntity.<LabelEntity>list("questionId", questionId).flatMap(labels -> decide(q, answers, labels))));
        });
    }

    /**
     * {@link #advance} for the questions a batch of answers or labels touched: they are locked in one order (two
     * batches locking overlapping questions cannot deadlock), one projection over all their answers and labels finds
     * the ones now complete (or past the answer timeout), and only those are loaded and paired. Most questions in a
     * batch are still incomplete, and this costs two statements for the batch instead of two per event.
     */
    public Uni<Void> advanceAll(Collection<String> questionIds) {
        String[] ids = new TreeSet<>(questionIds).toArray(String[]::new);
        long timeoutMs = config.answerTimeout().toMillis();
        return lock(List.of(ids)).chain(() -> Panache.getSession()).flatMap(s -> SessionSql.select(s,
                        "select question_id, expected_responders, received_at < now() - make_interval(secs => $2 / 1000.0)"
                                + " from questions where question_id = any(cast($1 as varchar[])) and state = 'WAITING'"
                                + " order by question_id for update", ids, timeoutMs)
                .flatMap(waiting -> waiting.isEmpty() ? Uni.createFrom().item(List.<String>of()) : SessionSql.select(s,
                                // a scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS under OR into a hashed
                                // subplan that reads every label of every run, once per batch
                                "select a.question_id, a.model_id from answers a where a.question_id = any(cast($1 as varchar[])) and (a.status <> 'OK'"
                                        + " or (select true from labels l where l.question_id = a.question_id and l.model_id = a.model_id limit 1))",
                                (Object) waiting.stream().map(row -> (String) row[0]).toArray(String[]::new))
                        .map(settledRows -> {
                            Map<String, Set<String>> settled = new HashMap<>();
                            for (Object[] row : settledRows) {
                                settled.computeIfAbsent((String) row[0], k -> new HashSet<>()).add((String) row[1]);
                            }
                            List<String> ready = new ArrayList<>();
                            for (Object[] row : waiting) {
                                String id = (String) row[0];
                                boolean timedOut = Boolean.TRUE.equals(row[2]);
                                if (timedOut || settled.getOrDefault(id, Set.of()).containsAll(QuestionEntity.expected((String) row[1]))) {
                                    ready.add(id);
                                }
                            }
                            return ready;
                        })))
                .flatMap(ready -> Multi.createFrom().iterable(ready).onItem().transformToUniAndConcatenate(this::lockedAdvance)
                        .collect().last().replaceWithVoid());
    }

    /**
     * Whether every expected model has an outcome and every OK answer a label: the same test as {@link #decide},
     * from one projection that loads no entity. Most events leave their question incomplete (24 of a question's
     * 25 answers and labels), and loading all its answers and labels for each of them was the packager's largest
     * cost at scale (docs/benchmarks.md).
     */
    private Uni<Boolean> allIn(QuestionEntity q) {
        return Panache.getSession().flatMap(session -> session.createSelectionQuery(
                        "select a.modelId, a.status, (select count(*) from LabelEntity l where l.questionId = a.questionId"
                                + " and l.modelId = a.modelId) from AnswerEntity a where a.questionId = :question", Object[].class)
                .setParameter("question", q.questionId)
                .getResultList())
                .map(rows -> {
                    Set<String> settled = new HashSet<>();
                    for (Object[] row : rows) {
                        if (!AnswerEntity.OK.equals(row[1]) || ((Number) row[2]).longValue() > 0) {
                            settled.add((String) row[0]);
                        }
                    }
                    return settled.containsAll(q.expected());
                });
    }

    private Uni<Void> decide(QuestionEntity q, List<AnswerEntity> answers, List<LabelEntity> labels) {
        Set<String> labelled = new HashSet<>();
        labels.forEach(l -> labelled.add(l.modelId));
        Map<String, AnswerEntity> byModel = new HashMap<>();
        answers.forEach(a -> byModel.put(a.modelId, a));
        List<Candidate> candidates = new ArrayList<>();
        boolean complete = true;
        for (String model : q.expected()) {
            AnswerEntity a = byModel.get(model);
            if (a == null || (a.ok() && !labelled.contains(model))) {
                complete = false;
            }
        }
        for (AnswerEntity a : answers) {
            if (a.ok() && labelled.contains(a.modelId)) {
                candidates.add(new Candidate(a.modelId, a.text));
            }
        }
        boolean timedOut = q.receivedAt.plus(config.answerTimeout()).isBefore(Instant.now());
        if (!complete && !timedOut) {
            return Uni.createFrom().voidItem();
        }
        if (candidates.size() < Math.max(2, config.quorum())) {
            if (!complete && !timedOut) {
                return Uni.createFrom().voidItem();
            }
            return close(q, State.UNRESOLVED, "only " + candidates.size() + " labelled answer(s) of " + q.expected().size()
                    + " expected" + (complete ? "" : " after " + config.answerTimeout()) + "; at least "
                    + Math.max(2, config.quorum()) + " are needed for a pair");
        }
        if (!complete) {
            metrics.counter("spavl.packager.quorum.pairings").increment();
            LOG.infof("question %s (run %s): paired on a quorum of %d after %s", q.questionId, q.runId, candidates.size(),
                    config.answerTimeout());
        }
        return propose(q, candidates, timedOut);
    }

    private Uni<Void> propose(QuestionEntity q, List<Candidate> candidates, boolean timedOut) {
        return groups(q, candidates).flatMap(groups -> PairEntity.<PairEntity>list("questionId", q.questionId).flatMap(previous ->
                seed(q.runId, timedOut).flatMap(seed -> {
                    if (seed == null) {
                        // the run's seed decides the pair: wait for its record (RunLedger advances the run's questions)
                        LOG.debugf("question %s: waits for the record of run %s before pairing", q.questionId, q.runId);
                        return Uni.createFrom().voidItem();
                    }
                    Set<Set<String>> tried = new HashSet<>();
                    previous.forEach(p -> tried.add(Set.of(p.modelA, p.modelB)));
                    int attempt = previous.size() + 1;
                    var sampled = sampler.sample(q.questionId, seed, attempt, candidates, groups, tried);
                    if (sampled.isEmpty()) {
                        return close(q, State.UNRESOLVED, "no untried pair of answers left after " + previous.size() + " pair(s)");
                    }
                    SampledPair s = sampled.get();
                    PairEntity pair = new PairEntity();
                    pair.pairId = Ids.of("pair", q.questionId, s.a().modelId(), s.b().modelId(), attempt);
                    pair.questionId = q.questionId;
                    pair.attempt = attempt;
                    pair.modelA = s.a().modelId();
                    pair.modelB = s.b().modelId();
                    pair.groupA = s.groupA();
                    pair.groupB = s.groupB();
                    pair.proposedAt = Instant.now();
                    q.state = State.JUDGING.name();
                    q.pairAttempts = attempt;
                    metrics.counter("spavl.packager.pairs.proposed", "attempt", Integer.toString(Math.min(attempt, 9))).increment();
                    LOG.debugf("question %s: pair %s (%s, group %d / %s, group %d), attempt %d", q.questionId, pair.pairId,
                            pair.modelA, pair.groupA, pair.modelB, pair.groupB, attempt);
                    return pair.persist().replaceWithVoid();
                })));
    }

    /** A verdict for a pair: a quadruple, another pair, or the question closes unresolved. Idempotent by pair state. */
    public Uni<Void> onVerdict(PairJudged v) {
        return PairEntity.<PairEntity>findById(v.getPairId(), LockModeType.PESSIMISTIC_WRITE).flatMap(pair -> {
            if (pair == null) {
                metrics.counter("spavl.packager.verdicts.unknown").increment();
                LOG.warnf("verdict %s for unknown pair %s (question %s, run %s) ignored", v.getEventId(), v.getPairId(),
                        v.getQuestionId(), v.getRunId());
                return Uni.createFrom().voidItem();
            }
            if (pair.outcome != null) {
                return Uni.createFrom().voidItem(); // this pair was judged already (another judge event id)
            }
            pair.outcome = v.getOutcome().name();
            pair.reason1 = v.getReason1();
            pair.reason2 = v.getReason2();
            pair.judge = v.getJudge();
            pair.tokensIn = v.getTokensIn();
            pair.tokensOut = v.getTokensOut();
            pair.simulated = v.getSimulated();
            pair.judgedAt = Instant.now();
            metrics.counter("spavl.packager.verdicts", "outcome", pair.outcome.toLowerCase(java.util.Locale.ROOT)).increment();
            return QuestionEntity.<QuestionEntity>findById(pair.questionId, LockModeType.PESSIMISTIC_WRITE).flatMap(q -> {
                if (q == null || !q.is(State.JUDGING)) {
                    return Uni.createFrom().voidItem();
                }
                PairOutcome outcome = v.getOutcome();
                if (outcome == PairOutcome.CHOSEN_A || outcome == PairOutcome.CHOSEN_B) {
                    return assemble(q, pair, outcome == PairOutcome.CHOSEN_A);
                }
                if (q.pairAttempts >= config.maxPairAttempts()) {
                    return close(q, State.UNRESOLVED, "no consistent verdict in " + q.pairAttempts + " pair(s); last " + outcome);
                }
                q.state = State.WAITING.name();
                // the question's row is locked already; its advisory lock is not taken here, after a row lock, so
                // that every transaction takes the two in the same order (advisory first)
                return lockedAdvance(q.questionId);
            });
        });
    }

    private Uni<Void> assemble(QuestionEntity q, PairEntity pair, boolean chosenA) {
        return ImageEntity.<ImageEntity>findById(q.imageId).flatMap(image -> {
            QuadrupleEntity quad = new QuadrupleEntity();
            quad.quadrupleId = Ids.of("quad", q.questionId, pair.pairId);
            quad.questionId = q.questionId;
            quad.pairId = pair.pairId;
            quad.runId = q.runId;
            quad.imageId = q.imageId;
            // an image not seen yet (out of order) is placed by the same rule when it arrives: the pin its input gave both
            // events, else the weights over its id (the export takes every row's split from the image's row)
            quad.split = image != null ? image.split
                    : SplitRule.of(config).splitOf(q.imageId, q.pinnedSplit == null ? null : DatasetSplit.valueOf(q.pinnedSplit));
            quad.chosenModel = chosenA ? pair.modelA : pair.modelB;
            quad.rejectedModel = chosenA ? pair.modelB : pair.modelA;
            quad.assembledAt = Instant.now();
            q.state = State.RESOLVED.name();
            q.closedAt = Instant.now();
            return quad.persist().replaceWithVoid();
        });
    }

    private Uni<Void> close(QuestionEntity q, State state, String reason) {
        q.state = state.name();
        q.unresolvedReason = reason;
        q.closedAt = Instant.now();
        metrics.counter("spavl.packager.questions.closed", "state", PackagerMetrics.tag(state)).increment();
        LOG.infof("question %s (run %s) %s: %s", q.questionId, q.runId, state, reason);
        return Uni.createFrom().voidItem();
    }

    /**
     * Static groups from configuration; else the question's models ranked by their prior unsafe rates
     * (reproducible), or by the run's running unsafe rate ({@code ranking=running}).
     */
    private Uni<SafetyGroups> groups(QuestionEntity q, List<Candidate> candidates) {
        if (staticGroups != null) {
            return Uni.createFrom().item(staticGroups);
        }
        if (config.ranking() == PackagerConfig.Ranking.PRIOR) {
            // over every model the question went to, answered or not, so a FAILED answer does not shift the groups
            Set<String> models = new TreeSet<>(q.expected());
            candidates.forEach(c -> models.add(c.modelId()));
            return Uni.createFrom().item(SafetyGroups.byPrior(priors, models, config.safetyGroups()));
        }
        String runId = q.runId;
        String hql = "select a.modelId, count(l), sum(case when l.safe = false then 1 else 0 end) "
                + "from AnswerEntity a, LabelEntity l where l.questionId = a.questionId and l.modelId = a.modelId "
                + "and a.runId = ?1 and a.status = 'OK' group by a.modelId";
        return Panache.getSession().flatMap(s -> s.createSelectionQuery(hql, Object[].class).setParameter(1, runId).getResultList())
                .map(rows -> {
                    Map<String, UnsafeTally> tallies = new HashMap<>();
                    for (Object[] r : rows) {
                        tallies.put((String) r[0], new UnsafeTally(((Number) r[1]).longValue(), ((Number) r[2]).longValue()));
                    }
                    return SafetyGroups.ranked(tallies, config.safetyGroups());
                });
    }

    /**
     * The run's seed; {@code null} while the run is not recorded yet, so the question waits for it. Past the answer
     * timeout a run still unknown (its record lost) gets a seed derived from its id, with a warning.
     */
    private Uni<Long> seed(String runId, boolean timedOut) {
        return RunEntity.<RunEntity>findById(runId).map(run -> {
            if (run != null) {
                return run.seed;
            }
            if (!timedOut) {
                return null;
            }
            LOG.warnf("run %s is still not recorded after the answer timeout: its pairs are seeded from the run id", runId);
            return StableHash.of(0, runId);
        });
    }

    /**
     * Pairs the run's questions that were ready before the run itself was recorded: each in a transaction of its
     * own (ids first, so no entity is loaded twice), after the run's record has committed. A failure is logged and
     * left to the answer-timeout sweep; it never undoes the run's record.
     */
    public Uni<Void> onRunRecorded(String runId) {
        return Panache.withSession(() -> Panache.getSession().flatMap(s -> s.createSelectionQuery(
                                "select q.questionId from QuestionEntity q where q.runId = ?1 and q.state = ?2", String.class)
                        .setParameter(1, runId).setParameter(2, State.WAITING.name()).getResultList()))
                .flatMap(ids -> Multi.createFrom().iterable(ids)
                        .onItem().transformToUniAndConcatenate(id -> Panache.withTransaction(() -> advance(id))
                                .onFailure().invoke(f -> LOG.warnf(f, "question %s of run %s: not paired after its run arrived; "
                                        + "the answer-timeout sweep takes it", id, runId))
                                .onFailure().recoverWithNull())
                        .collect().last().replaceWithVoid());
    }
}
