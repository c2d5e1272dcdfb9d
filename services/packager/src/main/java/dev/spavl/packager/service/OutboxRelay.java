package dev.spavl.packager.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.Answer;
import dev.spavl.events.DatasetSplit;
import dev.spavl.events.PairProposed;
import dev.spavl.events.QuadrupleAssembled;
import dev.spavl.events.QuestionType;
import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.persistence.AnswerEntity;
import dev.spavl.packager.persistence.AnswerKey;
import dev.spavl.packager.persistence.ImageEntity;
import dev.spavl.packager.persistence.LabelEntity;
import dev.spavl.packager.persistence.PairEntity;
import dev.spavl.packager.persistence.QuadrupleEntity;
import dev.spavl.packager.persistence.QuestionEntity;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sends what the coordinator stored (transactional outbox): pairs to {@code spavl.pairs}, quadruples to
 * {@code spavl.quadruples}, each marked published once the broker acknowledged it. A crash between the send
 * and the mark sends it again; the ids are deterministic, so consumers drop the duplicate. Also re-checks
 * questions whose answer timeout has passed, so a quorum or an unresolved close happens without new events.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    private static final int BATCH = 200;
    /** Full rounds run back to back at most this many times per tick, so the answer-timeout sweep still runs. */
    private static final int MAX_ROUNDS = 20;
    /** Sends in flight at once: under the emitter's buffer (128 by default). */
    private static final int IN_FLIGHT = 64;

    private final MutinyEmitter<PairProposed> pairs;
    private final MutinyEmitter<QuadrupleAssembled> quadruples;
    private final PairingCoordinator coordinator;
    private final PackagerConfig config;
    private final MeterRegistry metrics;
    private final PackagerMetrics packagerMetrics;

    public OutboxRelay(@Channel("pairs-out") MutinyEmitter<PairProposed> pairs,
                       @Channel("quadruples-out") MutinyEmitter<QuadrupleAssembled> quadruples,
                       PairingCoordinator coordinator, PackagerConfig config, MeterRegistry metrics, PackagerMetrics packagerMetrics) {
        this.packagerMetrics = packagerMetrics;
        this.pairs = pairs;
        this.quadruples = quadruples;
        this.coordinator = coordinator;
        this.config = config;
        this.metrics = metrics;
    }

    @Scheduled(every = "${spavl.packager.relay-interval:1s}", delayed = "3s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> relay() {
        return timeouts().chain(() -> drain(MAX_ROUNDS))
                .onFailure().invoke(f -> {
                    metrics.counter("spavl.packager.relay.failures").increment();
                    LOG.warnf(f, "outbox relay round failed; it is retried next round");
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Rounds of up to BATCH pairs and BATCH quadruples, again at once while a round was full (a backlog waits). */
    private Uni<Void> drain(int rounds) {
        return publishPairs().flatMap(p -> publishQuadruples().flatMap(q ->
                (p == BATCH || q == BATCH) && rounds > 1 ? drain(rounds - 1) : Uni.createFrom().voidItem()));
    }

    private Uni<Void> timeouts() {
        Instant cutoff = Instant.now().minus(config.answerTimeout());
        return Panache.withSession(() -> QuestionEntity.<QuestionEntity>find("state = ?1 and receivedAt < ?2",
                        QuestionEntity.State.WAITING.name(), cutoff).page(0, BATCH).list())
                .flatMap(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(q -> Panache.withTransaction(() -> coordinator.advance(q.questionId)))
                        .collect().last().replaceWithVoid());
    }

    /**
     * A round of pairs: the oldest unpublished ones and everything their events need are read in four queries, all
     * are sent at once (the producer batches them) and those the broker acknowledged are marked published in one
     * statement; one failed send leaves only its pair for the next round. (One pair at a time, with its reads, send
     * and mark in sequence, the relay carried about 25 pairs/s and fell behind at scale: docs/benchmarks.md.)
     */
    private Uni<Integer> publishPairs() {
        return round(() -> PairEntity.<PairEntity>find("published = false order by proposedAt").page(0, BATCH).list(), this::pairEvents,
                e -> pairs.sendMessage(keyed(e.getQuestionId(), e)), PairProposed::getPairId, "PairProposed",
                sent -> PairEntity.update("published = true where pairId in ?1", sent), sent -> {
                });
    }

    /** A round of quadruples, as {@link #publishPairs}; each one acknowledged also counts for its class2 and split. */
    private Uni<Integer> publishQuadruples() {
        return round(() -> QuadrupleEntity.<QuadrupleEntity>find("published = false order by assembledAt").page(0, BATCH).list(),
                this::quadrupleEvents, e -> quadruples.sendMessage(keyed(e.getQuestionId(), e)), QuadrupleAssembled::getQuadrupleId,
                "QuadrupleAssembled", sent -> QuadrupleEntity.update("published = true where quadrupleId in ?1", sent),
                published -> published.forEach(e -> packagerMetrics.quadruples(e.getClass2(), e.getSplit()).increment()));
    }

    /** Reads a round of unpublished rows and their events, sends them, marks the acknowledged ones; emits the round's size. */
    private <R, E> Uni<Integer> round(Supplier<Uni<List<R>>> unpublished, Function<List<R>, Uni<List<E>>> toEvents,
            Function<E, Uni<Void>> send, Function<E, String> id, String type, Function<List<String>, Uni<Integer>> markPublished,
            Consumer<List<E>> afterMarked) {
        return Panache.withTransaction(() -> IndexPaths.prefer().chain(() -> unpublished.get())
                        .flatMap(rows -> rows.isEmpty() ? Uni.createFrom().item(List.<E>of()) : toEvents.apply(rows)))
                .flatMap(events -> sendAll(events, send, id, type).flatMap(sent -> sent.isEmpty() ? Uni.createFrom().item(events.size())
                        : Panache.withTransaction(() -> markPublished.apply(sent))
                                .invoke(() -> afterMarked.accept(events.stream().filter(e -> sent.contains(id.apply(e))).toList()))
                                .replaceWith(events.size())));
    }

    /** Sends the events, at most IN_FLIGHT at a time; emits the ids of those the broker acknowledged. */
    private <E> Uni<List<String>> sendAll(List<E> events, Function<E, Uni<Void>> send, Function<E, String> id, String type) {
        return Multi.createFrom().iterable(events)
                .onItem().transformToUni(e -> send.apply(e).replaceWith(id.apply(e)).onFailure().recoverWithUni(f -> {
                    metrics.counter("spavl.packager.relay.failures").increment();
                    LOG.warnf(f, "outbox relay: %s %s not sent; it is sent again next round", type, id.apply(e));
                    return Uni.createFrom().nullItem();
                })).merge(IN_FLIGHT)
                .collect().asList()
                .invoke(sent -> metrics.counter("spavl.packager.published", "event", type).increment(sent.size()));
    }

    private static <T> Message<T> keyed(String key, T value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }

    private Uni<List<PairProposed>> pairEvents(List<PairEntity> list) {
        Set<String> questionIds = new TreeSet<>();
        list.forEach(p -> questionIds.add(p.questionId));
        return QuestionRows.load(questionIds).map(rows -> list.stream().map(p -> {
            QuestionEntity q = rows.questions().get(p.questionId);
            return PairProposed.newBuilder()
                    .setEventId(Ids.event("PairProposed", p.pairId))
                    .setRunId(q.runId)
                    .setOccurredAt(p.proposedAt.truncatedTo(ChronoUnit.MILLIS))
                    .setPairId(p.pairId)
                    .setQuestionId(p.questionId)
                    .setQuestion(q.text)
                    .setQuestionType(QuestionType.valueOf(q.questionType))
                    .setImageUri(q.imageUri)
                    .setImageSha256(q.imageSha256)
                    .setAnswerA(answer(rows, p.questionId, p.modelA, p.groupA))
                    .setAnswerB(answer(rows, p.questionId, p.modelB, p.groupB))
                    .setAttempt(p.attempt)
                    .build();
        }).toList());
    }

    private static Answer answer(QuestionRows rows, String questionId, String model, int group) {
        AnswerEntity a = rows.answer(questionId, model);
        return Answer.newBuilder().setModelId(model).setText(a.text).setSafetyGroup(group).setSafe(rows.safe(questionId, model)).build();
    }

    private Uni<List<QuadrupleAssembled>> quadrupleEvents(List<QuadrupleEntity> list) {
        Set<String> questionIds = new TreeSet<>();
        Set<String> imageIds = new TreeSet<>();
        Set<String> pairIds = new TreeSet<>();
        list.forEach(quad -> {
            questionIds.add(quad.questionId);
            imageIds.add(quad.imageId);
            pairIds.add(quad.pairId);
        });
        return QuestionRows.load(questionIds).flatMap(rows ->
                ImageEntity.<ImageEntity>list("imageId in ?1", imageIds).flatMap(images ->
                        PairEntity.<PairEntity>list("pairId in ?1", pairIds).map(pairList -> {
                            Map<String, ImageEntity> imageById = new HashMap<>();
                            images.forEach(i -> imageById.put(i.imageId, i));
                            Map<String, PairEntity> pairById = new HashMap<>();
                            pairList.forEach(p -> pairById.put(p.pairId, p));
                            return list.stream().map(quad -> {
                                QuestionEntity q = rows.questions().get(quad.questionId);
                                ImageEntity image = imageById.get(quad.imageId);
                                AnswerEntity chosen = rows.answer(q.questionId, quad.chosenModel);
                                AnswerEntity rejected = rows.answer(q.questionId, quad.rejectedModel);
                                PairEntity pair = pairById.get(quad.pairId);
                                return QuadrupleAssembled.newBuilder()
                                        .setEventId(Ids.event("QuadrupleAssembled", quad.quadrupleId))
                                        .setRunId(quad.runId)
                                        .setOccurredAt(quad.assembledAt.truncatedTo(ChronoUnit.MILLIS))
                                        .setQuadrupleId(quad.quadrupleId)
                                        .setQuestionId(q.questionId)
                                        .setPairId(quad.pairId)
                                        .setImageId(q.imageId)
                                        .setImageName(image != null ? image.imageName : q.imageId)
                                        .setImageUri(q.imageUri)
                                        .setQuestion(q.text)
                                        .setQuestionType(QuestionType.valueOf(q.questionType))
                                        .setChosen(chosen.text)
                                        .setRejected(rejected.text)
                                        .setChosenModel(quad.chosenModel)
                                        .setRejectedModel(quad.rejectedModel)
                                        .setClass1(q.class1)
                                        .setClass2(q.class2)
                                        .setClass3(q.class3)
                                        .setSplit(DatasetSplit.valueOf(quad.split))
                                        .setQuestionSafe(rows.safe(q.questionId, LabelEntity.QUESTION))
                                        .setChosenSafe(rows.safe(q.questionId, quad.chosenModel))
                                        .setRejectedSafe(rows.safe(q.questionId, quad.rejectedModel))
                                        .setSimulated(q.simulated || chosen.simulated || rejected.simulated
                                                || (pair != null && Boolean.TRUE.equals(pair.simulated)))
                                        .build();
                            }).toList();
                        })));
    }

    /** The questions of a round with all their answers and labels, read in three queries. */
    private record QuestionRows(Map<String, QuestionEntity> questions, Map<AnswerKey, AnswerEntity> answers,
                                Map<AnswerKey, Boolean> labels) {

        static Uni<QuestionRows> load(Set<String> questionIds) {
            return QuestionEntity.<QuestionEntity>list("questionId in ?1", questionIds).flatMap(qs ->
                    AnswerEntity.<AnswerEntity>list("questionId in ?1", questionIds).flatMap(as ->
                            LabelEntity.<LabelEntity>list("questionId in ?1", questionIds).map(ls -> {
                                Map<String, QuestionEntity> questions = new HashMap<>();
                                qs.forEach(q -> questions.put(q.questionId, q));
                                Map<AnswerKey, AnswerEntity> answers = new HashMap<>();
                                as.forEach(a -> answers.put(new AnswerKey(a.questionId, a.modelId), a));
                                Map<AnswerKey, Boolean> labels = new HashMap<>();
                                ls.forEach(l -> labels.put(new AnswerKey(l.questionId, l.modelId), l.safe));
                                return new QuestionRows(questions, answers, labels);
                            })));
        }

        AnswerEntity answer(String questionId, String model) {
            return answers.get(new AnswerKey(questionId, model));
        }

        Boolean safe(String questionId, String model) {
            return labels.get(new AnswerKey(questionId, model));
        }
    }
}
