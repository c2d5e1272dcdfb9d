package dev.spavl.packager.service;

import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.SafetyAssessed;
import dev.spavl.events.SafetySubject;
import dev.spavl.kafka.batch.PollBatch;
import dev.spavl.packager.persistence.LabelEntity;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Answers and labels, a poll at a time: 24 of a question's 25 answer and label events change one row and leave the
 * question incomplete, and applying them one transaction each (seven statements) was what bounded the packager at
 * SPA-VL scale (docs/benchmarks.md). A batch is one transaction of a few statements whatever its size: the event ids
 * recorded (returning the new ones), one upsert of every row, the touched questions locked and checked in one
 * projection; only questions that became complete are then paired, by the coordinator as before.
 *
 * <p>The rules are those of the one-event path in {@link QuestionIntake}: an OK answer is never replaced by a FAILED
 * one and an OK after a FAILED replaces it; a label is replaced by a later one. A batch that fails for a reason other
 * than the database being unavailable (retried, {@link EventOnce}) is applied again event by event, so only an event
 * that fails on its own goes to the dead-letter topic ({@link PollBatch}); so does an unreadable record, with the deserializer's reason,
 * as the connector does outside batches.
 */
@ApplicationScoped
public class AnswerAndLabelBatches {

    private static final String UPSERT_ANSWERS = "insert into answers (question_id, model_id, run_id, status, text, error_kind,"
            + " tokens_in, tokens_out, cost_usd, simulated)"
            + " select * from unnest(cast(?1 as varchar[]), cast(?2 as varchar[]), cast(?3 as varchar[]), cast(?4 as varchar[]),"
            + " cast(?5 as text[]), cast(?6 as varchar[]), cast(?7 as int[]), cast(?8 as int[]), cast(?9 as numeric[]),"
            + " cast(?10 as boolean[]))"
            + " on conflict (question_id, model_id) do update set run_id = excluded.run_id, status = excluded.status,"
            + " text = excluded.text, error_kind = excluded.error_kind, tokens_in = excluded.tokens_in,"
            + " tokens_out = excluded.tokens_out, cost_usd = excluded.cost_usd, simulated = excluded.simulated"
            + " where " + AnswerPrecedence.SQL_REPLACES;

    private static final String UPSERT_LABELS = "insert into labels (question_id, model_id, safe, score, harm_category, judge,"
            + " simulated)"
            + " select * from unnest(cast(?1 as varchar[]), cast(?2 as varchar[]), cast(?3 as boolean[]),"
            + " cast(?4 as float8[]), cast(?5 as text[]), cast(?6 as text[]), cast(?7 as boolean[]))"
            + " on conflict (question_id, model_id) do update set safe = excluded.safe, score = excluded.score,"
            + " harm_category = excluded.harm_category, judge = excluded.judge, simulated = excluded.simulated";

    private final EventOnce once;
    private final PairingCoordinator coordinator;
    private final QuestionIntake oneByOne;
    private final MeterRegistry metrics;
    private final Map<String, DistributionSummary> sizes = new java.util.concurrent.ConcurrentHashMap<>();

    public AnswerAndLabelBatches(EventOnce once, PairingCoordinator coordinator, QuestionIntake oneByOne, MeterRegistry metrics) {
        this.once = once;
        this.coordinator = coordinator;
        this.oneByOne = oneByOne;
        this.metrics = metrics;
    }

    @Incoming("responses")
    public Uni<Void> onResponses(KafkaRecordBatch<String, ResponseOutcome> batch) {
        return consume(batch, "ResponseOutcome", this::applyAnswers, oneByOne::onResponse);
    }

    @Incoming("assessments")
    public Uni<Void> onAssessments(KafkaRecordBatch<String, SafetyAssessed> batch) {
        return consume(batch, "SafetyAssessed", this::applyLabels, oneByOne::onAssessment);
    }

    Uni<Void> applyAnswers(List<ResponseOutcome> events) {
        List<String> ids = events.stream().map(AnswerPrecedence::appliedId).toList();
        return once.applyBatch(ids, "ResponseOutcome", QuestionIntake.CONSUMER, "responses", fresh -> {
            // the row each (question, model) ends with after these events in order: its first OK, else its first outcome
            Map<String, ResponseOutcome> rows = new TreeMap<>();
            for (ResponseOutcome e : events) {
                if (fresh.contains(AnswerPrecedence.appliedId(e))) {
                    rows.merge(e.getQuestionId() + '\u0000' + e.getModelId(), e, AnswerPrecedence::kept);
                }
            }
            int n = rows.size();
            String[] question = new String[n], model = new String[n], run = new String[n], status = new String[n];
            String[] text = new String[n], errorKind = new String[n];
            Integer[] tokensIn = new Integer[n], tokensOut = new Integer[n];
            BigDecimal[] cost = new BigDecimal[n];
            Boolean[] simulated = new Boolean[n];
            int i = 0;
            for (ResponseOutcome e : rows.values()) {
                question[i] = e.getQuestionId();
                model[i] = e.getModelId();
                run[i] = e.getRunId();
                status[i] = e.getStatus().name();
                text[i] = e.getText();
                errorKind[i] = e.getErrorKind() == null ? null : e.getErrorKind().name();
                tokensIn[i] = e.getTokensIn();
                tokensOut[i] = e.getTokensOut();
                cost[i] = e.getCostUsd();
                simulated[i] = e.getSimulated();
                i++;
            }
            return Panache.getSession().flatMap(s -> s.createNativeQuery(UPSERT_ANSWERS)
                            .setParameter(1, question).setParameter(2, model).setParameter(3, run).setParameter(4, status)
                            .setParameter(5, text).setParameter(6, errorKind).setParameter(7, tokensIn).setParameter(8, tokensOut)
                            .setParameter(9, cost).setParameter(10, simulated).executeUpdate())
                    .chain(() -> coordinator.advanceAll(List.of(question)));
        });
    }

    Uni<Void> applyLabels(List<SafetyAssessed> events) {
        List<String> ids = events.stream().map(SafetyAssessed::getEventId).toList();
        return once.applyBatch(ids, "SafetyAssessed", QuestionIntake.CONSUMER, "assessments", fresh -> {
            // a later label of the same subject replaces an earlier one
            Map<String, SafetyAssessed> rows = new TreeMap<>();
            for (SafetyAssessed e : events) {
                if (fresh.contains(e.getEventId())) {
                    rows.put(e.getQuestionId() + '\u0000' + subject(e), e);
                }
            }
            int n = rows.size();
            String[] question = new String[n], model = new String[n], harm = new String[n], judge = new String[n];
            Boolean[] safe = new Boolean[n], simulated = new Boolean[n];
            Double[] score = new Double[n];
            int i = 0;
            for (SafetyAssessed e : rows.values()) {
                question[i] = e.getQuestionId();
                model[i] = subject(e);
                safe[i] = e.getSafe();
                score[i] = e.getScore();
                harm[i] = e.getHarmCategory();
                judge[i] = e.getJudge();
                simulated[i] = e.getSimulated();
                i++;
            }
            return Panache.getSession().flatMap(s -> s.createNativeQuery(UPSERT_LABELS)
                            .setParameter(1, question).setParameter(2, model).setParameter(3, safe).setParameter(4, score)
                            .setParameter(5, harm).setParameter(6, judge).setParameter(7, simulated).executeUpdate())
                    .chain(() -> coordinator.advanceAll(List.of(question)));
        });
    }

    private static String subject(SafetyAssessed e) {
        return e.getSubject() == SafetySubject.QUESTION ? LabelEntity.QUESTION : e.getModelId();
    }

    private <T> Uni<Void> consume(KafkaRecordBatch<String, T> batch, String eventType, Function<List<T>, Uni<Void>> applyAll,
            Function<T, Uni<Void>> applyOne) {
        sizes.computeIfAbsent(eventType, t -> DistributionSummary.builder("spavl.packager.batch.size").tag("event", t)
                .description("records per batch of answers or labels (one transaction per batch, unless it fails as a whole)")
                .register(metrics)).record(batch.getRecords().size());
        return PollBatch.apply(batch, eventType, applyAll, applyOne);
    }
}
