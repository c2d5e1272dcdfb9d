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
import java.util.List;

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
        return timeouts().call(this::publishPairs).call(this::publishQuadruples)
                .onFailure().invoke(f -> {
                    metrics.counter("spavl.packager.relay.failures").increment();
                    LOG.warnf(f, "outbox relay round failed; it is retried next round");
                })
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private Uni<Void> timeouts() {
        Instant cutoff = Instant.now().minus(config.answerTimeout());
        return Panache.withSession(() -> QuestionEntity.<QuestionEntity>find("state = ?1 and receivedAt < ?2",
                        QuestionEntity.State.WAITING.name(), cutoff).page(0, BATCH).list())
                .flatMap(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(q -> Panache.withTransaction(() -> coordinator.advance(q.questionId)))
                        .collect().last().replaceWithVoid());
    }

    private Uni<Void> publishPairs() {
        return Panache.withSession(() -> PairEntity.<PairEntity>find("published = false order by proposedAt").page(0, BATCH).list())
                .flatMap(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(p -> Panache.withSession(() -> toEvent(p))
                                .flatMap(e -> pairs.sendMessage(keyed(e.getQuestionId(), e)))
                                .call(() -> Panache.withTransaction(() -> PairEntity.update("published = true where pairId = ?1", p.pairId)))
                                .invoke(() -> metrics.counter("spavl.packager.published", "event", "PairProposed").increment()))
                        .collect().last().replaceWithVoid());
    }

    private Uni<Void> publishQuadruples() {
        return Panache.withSession(() -> QuadrupleEntity.<QuadrupleEntity>find("published = false order by assembledAt").page(0, BATCH)
                        .list())
                .flatMap(list -> Multi.createFrom().iterable(list)
                        .onItem().transformToUniAndConcatenate(quad -> Panache.withSession(() -> toEvent(quad))
                                .call(e -> quadruples.sendMessage(keyed(e.getQuestionId(), e)))
                                .call(() -> Panache.withTransaction(() ->
                                        QuadrupleEntity.update("published = true where quadrupleId = ?1", quad.quadrupleId)))
                                .invoke(e -> {
                                    metrics.counter("spavl.packager.published", "event", "QuadrupleAssembled").increment();
                                    packagerMetrics.quadruples(e.getClass2(), e.getSplit()).increment();
                                }))
                        .collect().last().replaceWithVoid());
    }

    private static <T> Message<T> keyed(String key, T value) {
        return Message.of(value).addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(key).build());
    }

    private Uni<PairProposed> toEvent(PairEntity p) {
        return QuestionEntity.<QuestionEntity>findById(p.questionId).flatMap(q ->
                answer(p.questionId, p.modelA, p.groupA).flatMap(a -> answer(p.questionId, p.modelB, p.groupB).map(b ->
                        PairProposed.newBuilder()
                                .setEventId(Ids.event("PairProposed", p.pairId))
                                .setRunId(q.runId)
                                .setOccurredAt(p.proposedAt.truncatedTo(ChronoUnit.MILLIS))
                                .setPairId(p.pairId)
                                .setQuestionId(p.questionId)
                                .setQuestion(q.text)
                                .setQuestionType(QuestionType.valueOf(q.questionType))
                                .setImageUri(q.imageUri)
                                .setImageSha256(q.imageSha256)
                                .setAnswerA(a)
                                .setAnswerB(b)
                                .setAttempt(p.attempt)
                                .build())));
    }

    private Uni<Answer> answer(String questionId, String model, int group) {
        AnswerKey key = new AnswerKey(questionId, model);
        return AnswerEntity.<AnswerEntity>findById(key).flatMap(a -> LabelEntity.<LabelEntity>findById(key).map(l ->
                Answer.newBuilder().setModelId(model).setText(a.text).setSafetyGroup(group).setSafe(l == null ? null : l.safe).build()));
    }

    private Uni<QuadrupleAssembled> toEvent(QuadrupleEntity quad) {
        return QuestionEntity.<QuestionEntity>findById(quad.questionId).flatMap(q ->
                ImageEntity.<ImageEntity>findById(quad.imageId).flatMap(image ->
                        AnswerEntity.<AnswerEntity>findById(new AnswerKey(q.questionId, quad.chosenModel)).flatMap(chosen ->
                                AnswerEntity.<AnswerEntity>findById(new AnswerKey(q.questionId, quad.rejectedModel)).flatMap(rejected ->
                                        LabelEntity.<LabelEntity>list("questionId", q.questionId).flatMap(labels ->
                                        PairEntity.<PairEntity>findById(quad.pairId).map(pair -> {
                                            Boolean questionSafe = labelOf(labels, LabelEntity.QUESTION);
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
                                                    .setQuestionSafe(questionSafe)
                                                    .setChosenSafe(labelOf(labels, quad.chosenModel))
                                                    .setRejectedSafe(labelOf(labels, quad.rejectedModel))
                                                    .setSimulated(q.simulated || chosen.simulated || rejected.simulated
                                                            || (pair != null && Boolean.TRUE.equals(pair.simulated)))
                                                    .build();
                                        }))))));
    }

    private static Boolean labelOf(List<LabelEntity> labels, String model) {
        return labels.stream().filter(l -> l.modelId.equals(model)).map(l -> l.safe).findFirst().orElse(null);
    }
}
