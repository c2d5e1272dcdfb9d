package dev.spavl.packager.service;

import dev.spavl.events.ImageRegistered;
import dev.spavl.events.PairJudged;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import dev.spavl.events.SafetyAssessed;
import dev.spavl.events.SafetySubject;
import dev.spavl.packager.config.PackagerConfig;
import dev.spavl.packager.persistence.AnswerEntity;
import dev.spavl.packager.persistence.AnswerKey;
import dev.spavl.packager.persistence.ImageEntity;
import dev.spavl.packager.persistence.LabelEntity;
import dev.spavl.packager.persistence.QuestionEntity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import java.time.Instant;

/**
 * The packager's consumers of everything a question accumulates: images, questions, answers, labels and
 * verdicts. Each applies its event once (EventOnce: the event id is recorded in the same transaction) and
 * in any order: rows are inserted or updated independently of each other, and every change ends by asking
 * the coordinator whether the question can move on. Answers and labels arrive a poll at a time
 * ({@link AnswerAndLabelBatches}); their one-event methods here are the rules the batches follow, and what a
 * batch that failed as a whole is applied again with, event by event.
 */
@ApplicationScoped
public class QuestionIntake {

    static final String CONSUMER = "packager.questions";

    private final EventOnce once;
    private final PairingCoordinator coordinator;
    private final SplitRule splits;

    public QuestionIntake(EventOnce once, PairingCoordinator coordinator, PackagerConfig config) {
        this.once = once;
        this.coordinator = coordinator;
        this.splits = SplitRule.of(config);
    }

    @Incoming("images")
    public Uni<Void> onImage(ImageRegistered e) {
        return once.apply(e.getEventId(), "ImageRegistered", CONSUMER, "images", new EventOnce.Ids(e.getRunId(), null, null), () ->
                ImageEntity.<ImageEntity>findById(e.getImageId()).flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().voidItem();
                    }
                    ImageEntity i = new ImageEntity();
                    i.imageId = e.getImageId();
                    i.runId = e.getRunId();
                    i.blobUri = e.getBlobUri();
                    i.sha256 = e.getSha256();
                    i.mime = e.getMime();
                    i.width = e.getWidth();
                    i.height = e.getHeight();
                    i.imageName = e.getImageName();
                    i.caption = e.getCaption();
                    i.description = e.getDescription();
                    i.sourceRef = e.getSourceRef();
                    i.class1 = e.getClass1();
                    i.class2 = e.getClass2();
                    i.class3 = e.getClass3();
                    i.split = splits.splitOf(e.getImageId(), e.getSplit());
                    return i.persist().replaceWithVoid();
                }));
    }

    @Incoming("questions")
    public Uni<Void> onQuestion(QuestionGenerated e) {
        return once.apply(e.getEventId(), "QuestionGenerated", CONSUMER, "questions",
                new EventOnce.Ids(e.getRunId(), e.getQuestionId(), null), () ->
                QuestionEntity.<QuestionEntity>findById(e.getQuestionId()).flatMap(existing -> {
                    if (existing != null) {
                        return Uni.createFrom().voidItem();
                    }
                    QuestionEntity q = new QuestionEntity();
                    q.questionId = e.getQuestionId();
                    q.runId = e.getRunId();
                    q.imageId = e.getImageId();
                    q.imageUri = e.getImageUri();
                    q.imageSha256 = e.getImageSha256();
                    q.questionType = e.getType().name();
                    q.text = e.getText();
                    q.class1 = e.getClass1();
                    q.class2 = e.getClass2();
                    q.class3 = e.getClass3();
                    q.expectedResponders = String.join(",", e.getExpectedResponders());
                    q.simulated = e.getSimulated();
                    q.generatorModel = e.getGeneratorModel();
                    q.pinnedSplit = e.getSplit() == null ? null : e.getSplit().name();
                    q.state = QuestionEntity.State.WAITING.name();
                    q.receivedAt = Instant.now();
                    // a question of a cancelled run is closed as it arrives (RunCancellations closed the others)
                    return dev.spavl.packager.persistence.RunCancellationEntity.findById(e.getRunId()).flatMap(cancelled -> {
                        if (cancelled != null) {
                            q.state = QuestionEntity.State.CANCELLED.name();
                            q.unresolvedReason = RunCancellations.CLOSED_REASON;
                            q.closedAt = q.receivedAt;
                        }
                        return q.persist().replaceWithVoid();
                    });
                }).call(() -> coordinator.advance(e.getQuestionId())));
    }

    /**
     * An answer: one row per (question, model), which outcome it keeps as {@link AnswerPrecedence} says.
     */
    public Uni<Void> onResponse(ResponseOutcome e) {
        String appliedId = AnswerPrecedence.appliedId(e);
        return once.apply(appliedId, "ResponseOutcome", CONSUMER, "responses",
                new EventOnce.Ids(e.getRunId(), e.getQuestionId(), e.getModelId()), () ->
                AnswerEntity.<AnswerEntity>findById(new AnswerKey(e.getQuestionId(), e.getModelId())).flatMap(existing -> {
                    if (existing != null && !AnswerPrecedence.replaces(ResponseStatus.valueOf(existing.status), e.getStatus())) {
                        return Uni.createFrom().voidItem();
                    }
                    AnswerEntity a = existing != null ? existing : new AnswerEntity();
                    a.questionId = e.getQuestionId();
                    a.modelId = e.getModelId();
                    a.runId = e.getRunId();
                    a.status = e.getStatus().name();
                    a.text = e.getText();
                    a.errorKind = e.getErrorKind() == null ? null : e.getErrorKind().name();
                    a.tokensIn = e.getTokensIn();
                    a.tokensOut = e.getTokensOut();
                    a.costUsd = e.getCostUsd();
                    a.simulated = e.getSimulated();
                    return (existing != null ? Uni.createFrom().item(a) : a.persist()).replaceWithVoid();
                }).call(() -> coordinator.advance(e.getQuestionId())));
    }

    /** A label, replacing an earlier one of the same subject. */
    public Uni<Void> onAssessment(SafetyAssessed e) {
        String model = e.getSubject() == SafetySubject.QUESTION ? LabelEntity.QUESTION : e.getModelId();
        return once.apply(e.getEventId(), "SafetyAssessed", CONSUMER, "assessments",
                new EventOnce.Ids(e.getRunId(), e.getQuestionId(), e.getModelId()), () ->
                LabelEntity.<LabelEntity>findById(new AnswerKey(e.getQuestionId(), model)).flatMap(existing -> {
                    LabelEntity l = existing != null ? existing : new LabelEntity();
                    l.questionId = e.getQuestionId();
                    l.modelId = model;
                    l.safe = e.getSafe();
                    l.score = e.getScore();
                    l.harmCategory = e.getHarmCategory();
                    l.judge = e.getJudge();
                    l.simulated = e.getSimulated();
                    return (existing != null ? Uni.createFrom().item(l) : l.persist()).replaceWithVoid();
                }).call(() -> coordinator.advance(e.getQuestionId())));
    }

    @Incoming("verdicts")
    public Uni<Void> onVerdict(PairJudged e) {
        return once.apply(e.getEventId(), "PairJudged", CONSUMER, "verdicts", new EventOnce.Ids(e.getRunId(), e.getQuestionId(), null),
                () -> coordinator.onVerdict(e));
    }
}
