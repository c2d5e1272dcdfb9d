package dev.spavl.generator.service;

import dev.spavl.contracts.topics.TopicNames;
import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.DatasetSplit;
import dev.spavl.events.ImageRegistered;
import dev.spavl.events.QuestionGenerated;
import dev.spavl.events.QuestionType;
import dev.spavl.events.ResponseRequested;
import dev.spavl.generator.persistence.QuestionRecord;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.persistence.RunRecord;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Publishes a round of images' events with the broker's acknowledgement of each: ImageRegistered (key image_id),
 * QuestionGenerated (key question_id) and one ResponseRequested per chosen responder on that responder's own topic
 * {@code <prefix>.requests.<model>} (key question_id). Event ids are deterministic, so publishing again after a crash
 * produces duplicates consumers recognise.
 *
 * <p>In three steps, each sent once the one before is acknowledged: the images, their questions, the requests. Within
 * a step every record of the round is in flight together (at most {@value #IN_FLIGHT} at once), so a round waits for
 * three acknowledgements, not three per image. A record refused (too large, say) fails only its own image, which then
 * takes no part in the later steps: no question is published without its image and no request (a model call) for an
 * image or question that was refused. Records acknowledged before a failure stay published.
 */
@ApplicationScoped
public class QuestionPublisher {

    private final MutinyEmitter<ImageRegistered> images;
    private final MutinyEmitter<QuestionGenerated> questions;
    private final MutinyEmitter<ResponseRequested> requests;
    private final String topicPrefix;

    public QuestionPublisher(@Channel("images") MutinyEmitter<ImageRegistered> images,
                             @Channel("questions") MutinyEmitter<QuestionGenerated> questions,
                             @Channel("requests") MutinyEmitter<ResponseRequested> requests,
                             @ConfigProperty(name = "spavl.topic-prefix") String topicPrefix) {
        this.images = images;
        this.questions = questions;
        this.requests = requests;
        this.topicPrefix = topicPrefix;
    }

    /** One image of a round and its stored questions. */
    public record ImageQuestions(RunItem item, List<QuestionRecord> questions) {
    }

    /** Records of one step in flight together: below the Kafka sink's own in-flight limit (max-inflight-messages). */
    static final int IN_FLIGHT = 512;

    /**
     * Publishes the round; the Uni never fails for an image's records: it gives each image whose records could not
     * all be published (built, serialised or acknowledged) its {@link PublishFailure}, by item id. An image absent
     * from the map is wholly published.
     */
    public Uni<Map<Long, PublishFailure>> publishRound(RunRecord run, List<ImageQuestions> round) {
        return Uni.createFrom().deferred(() -> {
            Map<Long, PublishFailure> failed = new ConcurrentHashMap<>();
            List<Sends> sends = new ArrayList<>();
            for (ImageQuestions image : round) {
                try {
                    sends.add(build(run, image.item(), image.questions()));
                } catch (RuntimeException e) {
                    // a record that cannot even be built (an Avro error) is a failure of this image, not of the round
                    failed.put(image.item().id, PublishFailure.of(e));
                }
            }
            return step(sends, Sends::image, failed)
                    .chain(() -> step(sends, Sends::questions, failed))
                    .chain(() -> step(sends, Sends::requests, failed))
                    .replaceWith(failed);
        });
    }

    /** One step for every image not failed yet; an emitter's Uni sends on subscription, so nothing leaves before. */
    private static Uni<Void> step(List<Sends> round, Function<Sends, List<Uni<Void>>> ofImage, Map<Long, PublishFailure> failed) {
        List<Uni<Void>> step = new ArrayList<>();
        for (Sends image : round) {
            if (failed.containsKey(image.item().id)) {
                continue;
            }
            for (Uni<Void> send : ofImage.apply(image)) {
                step.add(send.onFailure().invoke(f -> failed.putIfAbsent(image.item().id, PublishFailure.of(f)))
                        .onFailure().recoverWithNull());
            }
        }
        if (step.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Multi.createFrom().iterable(step).onItem().transformToUni(send -> send).merge(IN_FLIGHT)
                .collect().last().replaceWithVoid();
    }

    /** An image's records, step by step, each one not sent until subscribed. */
    private record Sends(RunItem item, List<Uni<Void>> image, List<Uni<Void>> questions, List<Uni<Void>> requests) {
    }

    /** The sends of the image, its questions and the responders' requests, each one not sent until subscribed. */
    private Sends build(RunRecord run, RunItem item, List<QuestionRecord> written) {
        List<Uni<Void>> image = new ArrayList<>();
        List<Uni<Void>> questionSends = new ArrayList<>();
        List<Uni<Void>> requestSends = new ArrayList<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        image.add(images.sendMessage(keyed(item.imageId, ImageRegistered.newBuilder()
                .setEventId(Ids.event("ImageRegistered", run.runId, item.imageId))
                .setRunId(run.runId)
                .setOccurredAt(now)
                .setImageId(item.imageId)
                .setBlobUri(item.blobUri)
                .setSha256(item.sha256)
                .setSizeBytes(item.sizeBytes)
                .setWidth(item.width)
                .setHeight(item.height)
                .setMime(item.mime)
                .setImageName(item.imageName)
                .setCaption(item.caption)
                .setDescription(item.description)
                .setClass1(item.class1)
                .setClass2(item.class2)
                .setClass3(item.class3)
                .setSourceRef(item.sourceRef)
                .setSplit(pinned(item))
                .build(), null)));
        for (QuestionRecord q : written) {
            List<String> responders = RunWorker.split(q.expectedResponders);
            questionSends.add(questions.sendMessage(keyed(q.questionId, QuestionGenerated.newBuilder()
                    .setEventId(Ids.event("QuestionGenerated", run.runId, q.questionId))
                    .setRunId(run.runId)
                    .setOccurredAt(now)
                    .setQuestionId(q.questionId)
                    .setImageId(item.imageId)
                    .setImageUri(item.blobUri)
                    .setImageSha256(item.sha256)
                    .setType(QuestionType.valueOf(q.type))
                    .setText(q.text)
                    .setClass1(item.class1)
                    .setClass2(item.class2)
                    .setClass3(item.class3)
                    .setGeneratorModel(q.generatorModel)
                    .setTemplateVersion(q.templateVersion)
                    .setExpectedResponders(responders)
                    .setSimulated(q.simulated)
                    .setSplit(pinned(item))
                    .build(), null)));
            for (String model : responders) {
                requestSends.add(requests.sendMessage(keyed(q.questionId, ResponseRequested.newBuilder()
                        .setEventId(Ids.event("ResponseRequested", q.questionId, model, 1))
                        .setRunId(run.runId)
                        .setOccurredAt(now)
                        .setQuestionId(q.questionId)
                        .setModelId(model)
                        .setType(QuestionType.valueOf(q.type))
                        .setText(q.text)
                        .setImageUri(item.blobUri)
                        .setImageSha256(item.sha256)
                        .setAttempt(1)
                        .build(), TopicNames.requests(topicPrefix, model))));
            }
        }
        return new Sends(item, image, questionSends, requestSends);
    }

    private static <T> Message<T> keyed(String key, T payload, String topic) {
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> meta =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(key);
        if (topic != null) {
            meta = meta.withTopic(topic);
        }
        return Message.of(payload).addMetadata(meta.build());
    }

    private static DatasetSplit pinned(RunItem item) {
        return item.pinnedSplit == null ? null : DatasetSplit.valueOf(item.pinnedSplit);
    }
}
