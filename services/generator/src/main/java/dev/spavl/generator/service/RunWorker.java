package dev.spavl.generator.service;

import dev.spavl.blobstore.BlobStore;
import dev.spavl.contracts.ids.Ids;
import dev.spavl.db.TransientDatabaseFailure;
import dev.spavl.events.FanOutMode;
import dev.spavl.contracts.types.QuestionTypeKeys;
import dev.spavl.events.QuestionType;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.config.GeneratorConfig;
import dev.spavl.generator.dispatch.FanOutPlanner;
import dev.spavl.generator.dispatch.ResponderDirectory;
import dev.spavl.generator.intake.ImageFetcher;
import dev.spavl.generator.intake.ImageInspector;
import dev.spavl.generator.intake.Inspection;
import dev.spavl.generator.intake.RejectionReason;
import dev.spavl.generator.persistence.QuestionRecord;
import dev.spavl.generator.persistence.RunItem;
import dev.spavl.generator.persistence.RunRecord;
import dev.spavl.generator.prompt.PromptInput;
import dev.spavl.generator.prompt.PromptWriter;
import dev.spavl.generator.prompt.WrittenPrompts;
import dev.spavl.generator.source.RowProblem;
import dev.spavl.generator.source.SourceException;
import dev.spavl.generator.source.SourceListing;
import dev.spavl.generator.source.SourceReader;
import dev.spavl.generator.source.SourceRow;
import dev.spavl.taxonomy.Leaf;
import dev.spavl.taxonomy.Taxonomy;
import dev.spavl.observability.RecordLogContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.common.vertx.VertxContext;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.vertx.core.Context;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Drives every run to completion, one round at a time (a pull loop, so a restarted generator simply carries on from
 * what PostgreSQL says; rounds follow each other at once while they move a run on, see {@link #work}):
 * <ol>
 *   <li>REQUESTED run: read the input (folder tree or manifest) into one row per image, rejecting
 *       rows whose class path is not in the taxonomy; the rows and the RUNNING status are stored in
 *       one transaction.</li>
 *   <li>RUNNING run: take the next PENDING rows; fetch, check and store each image (in parallel, off
 *       the event loop) and write its prompts; store the round's images and questions (WRITTEN) in one
 *       transaction; publish their ImageRegistered, QuestionGenerated and one ResponseRequested per chosen
 *       responder with the round's sends in flight together; mark the published rows DONE in one transaction.
 *       A WRITTEN row found after a crash is published again from its stored questions (same ids, so consumers
 *       drop the duplicates), never written anew. A publish that cannot succeed (PublishFailure), or fails in
 *       worker.max-publish-attempts rounds, rejects that image (PUBLISH_FAILED) and the run goes on.</li>
 * </ol>
 * A run waits (and says so in its progress) while no responder it may use is alive, and while too
 * many of its requests await a response (backpressure).
 */
@ApplicationScoped
public class RunWorker {

    private static final Logger LOG = Logger.getLogger(RunWorker.class);
    /** A cancel (RunCancellation) may land while a round is in hand: the worker's status writes never replace it. */
    private static final String NOT_OVER_CANCELLED = RunRecord.Status.CANCELLED.name();

    private final Vertx vertx;
    private final GeneratorConfig config;
    private final SourceReader sources;
    private final ImageFetcher fetcher;
    private final ImageInspector inspector;
    private final BlobStore blobs;
    private final Taxonomy taxonomy;
    private final PromptWriter writer;
    private final ResponderDirectory responders;
    private final QuestionPublisher publisher;
    private final MeterRegistry metrics;
    /** The loop of rounds is running (see {@link #work}). */
    private final AtomicBoolean working = new AtomicBoolean();
    /** Someone asked for a round since the loop's last one started: it does one more. */
    private final AtomicBoolean wanted = new AtomicBoolean();
    /** Why a run is not progressing right now (shown in its progress); absent when it is. */
    private final ConcurrentHashMap<String, String> waiting = new ConcurrentHashMap<>();

    public RunWorker(Vertx vertx, GeneratorConfig config, SourceReader sources, ImageFetcher fetcher,
                     ImageInspector inspector, BlobStore blobs, Taxonomy taxonomy, PromptWriter writer,
                     ResponderDirectory responders, QuestionPublisher publisher, MeterRegistry metrics) {
        this.vertx = vertx;
        this.config = config;
        this.sources = sources;
        this.fetcher = fetcher;
        this.inspector = inspector;
        this.blobs = blobs;
        this.taxonomy = taxonomy;
        this.writer = writer;
        this.responders = responders;
        this.publisher = publisher;
        this.metrics = metrics;
        // the operations series exist at 0 from the start (docs/metrics.md)
        Counter.builder("spavl.generator.images.accepted").description("images whose events were published").register(metrics);
        for (RejectionReason reason : RejectionReason.values()) {
            rejected(reason.name());
        }
        rejected(PublishFailure.Reason.PUBLISH_FAILED.name());
        for (QuestionType type : QuestionType.values()) {
            questions(type);
        }
    }

    private Counter rejected(String reason) {
        return Counter.builder("spavl.generator.images.rejected").tag("reason", reason.toLowerCase(java.util.Locale.ROOT))
                .description("images rejected, by reason (a fixed list: RejectionReason and PublishFailure.Reason)").register(metrics);
    }

    private Counter questions(QuestionType type) {
        return Counter.builder("spavl.generator.questions").tag("type", QuestionTypeKeys.key(type))
                .description("questions published, by prompt type (easy, hardq, hards)").register(metrics);
    }

    /** Why the run is waiting, or null. */
    public String waitingReason(String runId) {
        return waiting.get(runId);
    }

    /**
     * Works while there is work: rounds follow each other at once as long as one of them moved a run on (rows read,
     * images published or rejected, a run ended). The schedule only wakes the worker when it has nothing to do or
     * waits (backpressure, no live responder, a failure to retry), so a run's pace is set by its work and its
     * backpressure, not by the tick. One loop at a time, whoever wakes it ({@link #wake}).
     */
    @Scheduled(every = "${spavl.generator.worker.poll:250ms}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            delayed = "1s")
    Uni<Void> tick() {
        return work();
    }

    /**
     * A new run: the worker starts on it now instead of at the next tick (on a context of its own, so it shares no
     * session with the caller's request).
     */
    public void wake() {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getDelegate().getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true); // Panache requires it; the scheduler's contexts are too
        context.runOnContext(ignored -> work().subscribe().with(done -> { }, f -> LOG.errorf(f, "worker loop failed")));
    }

    private Uni<Void> work() {
        wanted.set(true);
        if (!working.compareAndSet(false, true)) {
            return Uni.createFrom().voidItem(); // the loop in progress does another round for it
        }
        return Multi.createBy().repeating().uni(() -> {
                    wanted.set(false);
                    return round();
                })
                .whilst(moved -> moved || wanted.get())
                .collect().last()
                .eventually(() -> {
                    working.set(false);
                    if (wanted.get()) {
                        wake(); // asked for between the last round's check and now: not lost
                    }
                })
                .replaceWithVoid();
    }

    /** Advances every open run by one step; true when any of them moved on. */
    Uni<Boolean> round() {
        return Panache.withSession(() -> RunRecord.<RunRecord>list("status in ?1 order by requestedAt",
                        List.of(RunRecord.Status.REQUESTED.name(), RunRecord.Status.RUNNING.name())))
                .onItem().transformToMulti(runs -> Multi.createFrom().iterable(runs))
                .onItem().transformToUniAndConcatenate(run -> advance(run)
                        .onFailure().invoke(f -> LOG.errorf(f, "run %s: round failed; it is retried next round", run.runId))
                        .onFailure().recoverWithItem(false))
                .collect().in(() -> new boolean[1], (any, moved) -> any[0] |= moved)
                .map(any -> any[0])
                .onFailure().invoke(f -> LOG.errorf(f, "worker round failed"))
                .onFailure().recoverWithItem(false);
    }

    /** One step of a run, its lines logged with its run_id (runs are advanced one after the other, never at once). */
    private Uni<Boolean> advance(RunRecord run) {
        return Uni.createFrom().deferred(() -> {
            RecordLogContext ids = RecordLogContext.of(run.runId, null, null);
            return (RunRecord.Status.REQUESTED.name().equals(run.status) ? readInput(run).replaceWith(true) : processBatch(run))
                    .eventually(ids::close);
        });
    }

    // ------------------------------------------------------------------------------------ input

    private Uni<Void> readInput(RunRecord run) {
        SourceKind kind = SourceKind.valueOf(run.sourceKind);
        return vertx.executeBlocking(Uni.createFrom().item(() -> sources.read(kind, run.sourceUri)))
                .onItem().transformToUni(listing -> storeItems(run.runId, listing))
                .onFailure(SourceException.class).recoverWithUni(f -> fail(run.runId, f.getMessage()));
    }

    private Uni<Void> storeItems(String runId, SourceListing listing) {
        Instant now = Instant.now();
        List<RunItem> items = new ArrayList<>();
        int rejected = 0;
        for (SourceRow row : listing.rows()) {
            RunItem item = item(runId, row.rowNo(), row.reference(), now);
            item.imageName = row.imageName();
            item.class1 = row.class1();
            item.class2 = row.class2();
            item.class3 = row.class3();
            item.caption = row.caption();
            item.description = row.description();
            item.pinnedSplit = row.split() == null ? null : row.split().name();
            if (!taxonomy.contains(row.class1(), row.class2(), row.class3())) {
                reject(item, RejectionReason.UNKNOWN_CLASS_PATH, "class path '" + row.class1() + " / " + row.class2()
                        + " / " + row.class3() + "' is not in the active taxonomy (" + taxonomy.source() + ")");
                rejected++;
            } else {
                item.status = RunItem.Status.PENDING.name();
            }
            items.add(item);
        }
        for (RowProblem p : listing.problems()) {
            RunItem item = item(runId, p.rowNo(), p.reference(), now);
            reject(item, p.reason(), p.detail());
            items.add(item);
            rejected++;
        }
        if (items.isEmpty()) {
            // nothing will ever come of this run: end it with the reason instead of waiting on an empty input
            return fail(runId, "the input has no image rows: a folder tree needs class1/class2/class3/<image>.jpg|jpeg|png|webp, "
                    + "a manifest one row per image");
        }
        int total = items.size();
        int rejectedCount = rejected;
        items.stream().filter(i -> RunItem.Status.REJECTED.name().equals(i.status))
                .forEach(i -> countRejection(runId, i.reason));
        return Panache.withTransaction(() -> RunItem.persist(items)
                        .call(() -> RunRecord.update("status = ?1, imagesTotal = ?2, imagesRejected = ?3, updatedAt = ?4"
                                        + " where runId = ?5 and status <> ?6",
                                RunRecord.Status.RUNNING.name(), total, rejectedCount, Instant.now(), runId, NOT_OVER_CANCELLED)))
                .invoke(() -> LOG.infof("run %s: input read, %d image(s), %d rejected while reading", runId, total, rejectedCount))
                .replaceWithVoid();
    }

    private Uni<Void> fail(String runId, String why) {
        LOG.errorf("run %s failed: %s", runId, why);
        waiting.remove(runId);
        metrics.counter("spavl.generator.runs.failed").increment();
        return Panache.withTransaction(() -> RunRecord.update("status = ?1, failure = ?2, updatedAt = ?3 where runId = ?4 and status <> ?5",
                RunRecord.Status.FAILED.name(), why, Instant.now(), runId, NOT_OVER_CANCELLED)).replaceWithVoid();
    }

    // ---------------------------------------------------------------------------------- images

    private Uni<Boolean> processBatch(RunRecord run) {
        if (run.imageLimit != null && run.imagesAccepted >= run.imageLimit) {
            return finish(run, true).replaceWith(true);
        }
        int room = run.imageLimit == null ? config.worker().batchSize()
                : Math.min(config.worker().batchSize(), run.imageLimit - run.imagesAccepted);
        return Panache.withSession(() -> RunItem.<RunItem>find("runId = ?1 and status in ?2 order by rowNo", run.runId,
                        List.of(RunItem.Status.PENDING.name(), RunItem.Status.WRITTEN.name())).page(0, room).list())
                .onItem().transformToUni(items -> {
                    if (items.isEmpty()) {
                        return (run.imagesAccepted == 0
                                ? fail(run.runId, "no image of the input was accepted (" + run.imagesRejected + " rejected; "
                                        + "GET /api/runs/" + run.runId + "/rejections says why)")
                                : finish(run, false)).replaceWith(true);
                    }
                    // the run waits (and says why) only while it has work it cannot hand out
                    List<String> targets = split(run.targets);
                    List<String> usable = FanOutPlanner.choose(FanOutMode.ALL, null, responders.live(), targets, run.seed, "probe");
                    if (usable.isEmpty()) {
                        return waitForTargets(run, targets).replaceWith(false);
                    }
                    // a target is live: a later wait for one has the whole timeout again
                    Uni<Void> stopWaiting = run.waitingSince == null ? Uni.createFrom().voidItem()
                            : Panache.withTransaction(() -> RunRecord.update("waitingSince = null where runId = ?1", run.runId))
                                    .replaceWithVoid();
                    int outstanding = run.requestsDispatched - run.responsesReceived;
                    if (outstanding >= config.worker().maxOutstandingRequests()) {
                        return stopWaiting.chain(() -> waitFor(run.runId, outstanding + " requests await a response (limit "
                                + config.worker().maxOutstandingRequests() + ")")).replaceWith(false);
                    }
                    waiting.remove(run.runId);
                    // rows that failed a moment ago wait out the retry delay; with only those left the run waits too
                    Instant retryBefore = Instant.now().minus(config.worker().retryDelay());
                    List<RunItem> ready = items.stream().filter(item -> item.attempts == 0 && item.publishAttempts == 0
                            || item.updatedAt == null || item.updatedAt.isBefore(retryBefore)).toList();
                    if (ready.isEmpty()) {
                        return stopWaiting.replaceWith(false);
                    }
                    return stopWaiting.chain(() -> processItems(run, ready));
                });
    }

    /**
     * No live responder the run may use: it waits, from the first round that found none, at most
     * {@code spavl.generator.targets-timeout}, then it is FAILED with the targets that never became live.
     */
    private Uni<Void> waitForTargets(RunRecord run, List<String> targets) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // as stored, so the deadline shown stays the same
        Instant since = run.waitingSince == null ? now : run.waitingSince;
        Instant deadline = since.plus(config.targetsTimeout());
        String missing = targets.isEmpty() ? "no live responder" : "no live responder among the targets " + targets;
        if (now.isAfter(deadline)) {
            return fail(run.runId, missing + " for " + config.targetsTimeout().toSeconds() + " s (spavl.generator.targets-timeout), "
                    + "waiting since " + since + "; live now: " + responders.live());
        }
        String why = missing + " (the run fails at " + deadline + " unless one is live: spavl.generator.targets-timeout)";
        return run.waitingSince != null ? waitFor(run.runId, why)
                : Panache.withTransaction(() -> RunRecord.update("waitingSince = ?1 where runId = ?2", now, run.runId))
                        .chain(() -> waitFor(run.runId, why));
    }

    private Uni<Void> waitFor(String runId, String why) {
        if (!why.equals(waiting.put(runId, why))) {
            LOG.infof("run %s waits: %s", runId, why);
        }
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> finish(RunRecord run, boolean limitReached) {
        return Panache.withTransaction(() -> (limitReached
                        ? RunItem.update("status = ?1, detail = ?2, updatedAt = ?3 where runId = ?4 and status = ?5",
                        RunItem.Status.SKIPPED.name(), "the run's image limit (" + run.imageLimit + ") was reached", Instant.now(), run.runId, RunItem.Status.PENDING.name())
                        : Uni.createFrom().item(0))
                        .call(() -> RunRecord.update("status = ?1, updatedAt = ?2 where runId = ?3 and status <> ?4",
                                RunRecord.Status.COMPLETED.name(), Instant.now(), run.runId, NOT_OVER_CANCELLED)))
                .invoke(() -> {
                    waiting.remove(run.runId);
                    metrics.counter("spavl.generator.runs.completed").increment();
                    LOG.infof("run %s completed", run.runId);
                })
                .replaceWithVoid();
    }

    /**
     * A round of a run's images. Stage 1 in parallel (no database): bytes, checks, blob, prompts. Stage 2, in row
     * order: the round's rows stored in one transaction (questions WRITTEN, rejections, duplicates), their events
     * published together (QuestionPublisher), and the published rows marked DONE in one more. A crash between the
     * two leaves WRITTEN rows, published again from their stored questions. True when a row reached its end (DONE,
     * rejected, duplicate); rows only waiting for a retry do not count, and wait out {@code worker.retry-delay}.
     */
    private Uni<Boolean> processItems(RunRecord run, List<RunItem> items) {
        Set<QuestionType> types = Arrays.stream(run.questionTypes.split(","))
                .map(QuestionType::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(QuestionType.class)));
        return Multi.createFrom().iterable(items)
                .onItem().transformToUni(item -> RunItem.Status.WRITTEN.name().equals(item.status)
                        ? Uni.createFrom().item(Prepared.alreadyWritten(item))
                        : prepare(run, item, types))
                .merge(config.worker().concurrency())
                .collect().asList()
                .chain(prepared -> {
                    // row order, whatever order stage 1 finished in: of two rows with the same image the first is kept
                    List<Prepared> ordered = new ArrayList<>(prepared);
                    ordered.sort(Comparator.comparingInt(p -> p.item().rowNo));
                    Map<Long, Integer> attempts = new HashMap<>();
                    ordered.forEach(p -> attempts.put(p.item().id, p.item().attempts));
                    return storeTogether(run, ordered)
                            .onFailure(f -> !TransientDatabaseFailure.is(f)).recoverWithUni(f -> {
                                LOG.warnf("run %s: the round's %d rows could not be stored together (%s); storing each "
                                        + "alone", run.runId, ordered.size(), f.getMessage());
                                return storeEach(run, ordered, attempts);
                            })
                            .invoke(stored -> stored.rejections.forEach(reason -> countRejection(run.runId, reason)));
                })
                .chain(stored -> publisher.publishRound(run, stored.toPublish)
                        .chain(failures -> finishRound(run, stored, failures)));
    }

    /** The round's rows in one transaction: the fast way, taken while no row fails. */
    private Uni<Stored> storeTogether(RunRecord run, List<Prepared> ordered) {
        Stored stored = new Stored();
        return Panache.withTransaction(() -> Multi.createFrom().iterable(ordered)
                        .onItem().transformToUniAndConcatenate(p -> store(run, p, stored))
                        .collect().last())
                .replaceWith(stored);
    }

    /**
     * The round's rows one transaction each, in row order, after they failed together: a row PostgreSQL refuses
     * on its own (a NUL character in a model-written prompt, say) no longer holds back the others, which would
     * otherwise fail with it every round. That row keeps its failure and is tried again next round, up to
     * {@code worker.max-item-attempts}, then rejected (STORE_FAILED) with the database's reason. A failure that
     * is the database's, not the row's (TransientDatabaseFailure), fails the round as before: all of it is tried
     * again next round.
     */
    private Uni<Stored> storeEach(RunRecord run, List<Prepared> ordered, Map<Long, Integer> attempts) {
        Stored round = new Stored();
        return Multi.createFrom().iterable(ordered)
                .onItem().transformToUniAndConcatenate(p -> {
                    // a failed transaction's changes to the row are void: its attempts as loaded
                    p.item().attempts = attempts.get(p.item().id);
                    Stored one = new Stored();
                    one.imageIds.addAll(round.imageIds);
                    return Panache.withTransaction(() -> store(run, p, one))
                            .invoke(() -> round.add(one))
                            .onFailure(f -> !TransientDatabaseFailure.is(f)).recoverWithUni(f -> {
                                p.item().attempts = attempts.get(p.item().id);
                                return Panache.withTransaction(() -> recordFailure(p.item(), RejectionReason.STORE_FAILED,
                                                "its rows could not be stored: " + f.getMessage()))
                                        .invoke(rejected -> round.ended |= rejected)
                                        .replaceWithVoid();
                            });
                })
                .collect().last()
                .replaceWith(round);
    }

    /** What the round's storing did: the images to publish, and whether a row reached its end. */
    private static final class Stored {
        final List<QuestionPublisher.ImageQuestions> toPublish = new ArrayList<>();
        final Set<Long> republished = new HashSet<>();
        final Set<String> imageIds = new HashSet<>();
        /** Rejection reasons, counted in the metrics once the transaction has committed. */
        final List<String> rejections = new ArrayList<>();
        boolean ended;

        /** What one row's own transaction did, once it has committed. */
        void add(Stored one) {
            toPublish.addAll(one.toPublish);
            republished.addAll(one.republished);
            imageIds.addAll(one.imageIds);
            rejections.addAll(one.rejections);
            ended |= one.ended;
        }
    }

    /** What stage 1 produced for one row. */
    record Prepared(Outcome outcome, RunItem item, Inspection.Accepted image, String blobUri, WrittenPrompts prompts,
                    RejectionReason reason, String detail) {

        enum Outcome { READY, REJECTED, ALREADY_WRITTEN, RETRY_LATER }

        static Prepared alreadyWritten(RunItem item) {
            return new Prepared(Outcome.ALREADY_WRITTEN, item, null, null, null, null, null);
        }

        static Prepared rejected(RunItem item, RejectionReason reason, String detail) {
            return new Prepared(Outcome.REJECTED, item, null, null, null, reason, detail);
        }

        static Prepared retryLater(RunItem item, String detail) {
            return new Prepared(Outcome.RETRY_LATER, item, null, null, null, null, detail);
        }
    }

    private Uni<Prepared> prepare(RunRecord run, RunItem item, Set<QuestionType> types) {
        Uni<Prepared> checked = vertx.executeBlocking(Uni.createFrom().item(() -> {
            ImageFetcher.Fetched fetched = fetcher.fetch(item.sourceRef);
            if (!fetched.ok()) {
                return Prepared.rejected(item, fetched.reason(), fetched.detail());
            }
            Inspection inspection = inspector.inspect(fetched.bytes());
            if (inspection instanceof Inspection.Rejected r) {
                return Prepared.rejected(item, r.reason(), r.detail());
            }
            Inspection.Accepted image = (Inspection.Accepted) inspection;
            String uri = blobs.put(fetched.bytes(), image.mime()).uri().toString();
            return new Prepared(Prepared.Outcome.READY, item, image, uri, null, null, null);
        }));
        return checked.onItem().transformToUni(p -> {
            if (p.outcome() != Prepared.Outcome.READY) {
                return Uni.createFrom().item(p);
            }
            String imageId = imageId(run.runId, p.image().sha256(), item);
            PromptInput input = new PromptInput(run.runId, imageId, item.class1, item.class2, item.class3, item.caption,
                    item.description, taxonomy.find(item.class1, item.class2, item.class3).map(Leaf::keywords).orElse(List.of()),
                    null, p.image().mime(), run.seed);
            return readBlobIfNeeded(input, p.blobUri())
                    .onItem().transformToUni(in -> writer.write(in, types))
                    .map(prompts -> new Prepared(Prepared.Outcome.READY, item, p.image(), p.blobUri(), prompts, null, null))
                    .onFailure().recoverWithItem(f -> Prepared.retryLater(item, "prompt writing failed: " + f.getMessage()));
        });
    }

    /** Model writers need the image bytes; the offline writer does not, so they are only read back when needed. */
    private Uni<PromptInput> readBlobIfNeeded(PromptInput in, String blobUri) {
        if (!writer.needsImage()) {
            return Uni.createFrom().item(in);
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> new PromptInput(in.runId(), in.imageId(), in.class1(),
                in.class2(), in.class3(), in.caption(), in.description(), in.keywords(),
                blobs.get(java.net.URI.create(blobUri)), in.mime(), in.seed())));
    }

    /** One row of the round, inside the round's transaction. */
    private Uni<Void> store(RunRecord run, Prepared p, Stored stored) {
        RunItem item = p.item();
        if (p.outcome() == Prepared.Outcome.RETRY_LATER) {
            // the row stays PENDING for the next round, with the failure recorded (or it is rejected at the limit)
            return recordFailure(item, RejectionReason.PROMPT_WRITING_FAILED, p.detail())
                    .invoke(rejected -> stored.ended |= rejected).replaceWithVoid();
        }
        if (p.outcome() == Prepared.Outcome.REJECTED) {
            stored.rejections.add(p.reason().name());
            stored.ended = true;
            return RunItem.update("status = ?1, reason = ?2, detail = ?3, updatedAt = ?4 where id = ?5",
                            RunItem.Status.REJECTED.name(), p.reason().name(), p.detail(), Instant.now(), item.id)
                    .call(() -> RunRecord.update("imagesRejected = imagesRejected + 1, updatedAt = ?1 where runId = ?2",
                            Instant.now(), run.runId))
                    .invoke(() -> LOG.infof("run %s row %d (%s) rejected: %s %s", run.runId, item.rowNo, item.sourceRef,
                            p.reason(), p.detail()))
                    .replaceWithVoid();
        }
        if (p.outcome() == Prepared.Outcome.ALREADY_WRITTEN) {
            stored.imageIds.add(item.imageId);
            return QuestionRecord.<QuestionRecord>list("imageId = ?1 and runId = ?2 order by type", item.imageId, run.runId)
                    .invoke(questions -> {
                        stored.toPublish.add(new QuestionPublisher.ImageQuestions(item, questions));
                        stored.republished.add(item.id);
                    })
                    .replaceWithVoid();
        }
        String imageId = imageId(run.runId, p.image().sha256(), item);
        if (stored.imageIds.contains(imageId)) {
            stored.ended = true;
            return markDuplicate(run, item, imageId).replaceWithVoid();
        }
        return RunItem.count("runId = ?1 and imageId = ?2 and status in ?3", run.runId, imageId,
                        List.of(RunItem.Status.WRITTEN.name(), RunItem.Status.DONE.name()))
                .onItem().transformToUni(seen -> {
                    if (seen > 0) {
                        stored.ended = true;
                        return markDuplicate(run, item, imageId).replaceWithVoid();
                    }
                    stored.imageIds.add(imageId);
                    return storeWritten(run, item, p, imageId)
                            .invoke(questions -> stored.toPublish.add(new QuestionPublisher.ImageQuestions(item, questions)))
                            .replaceWithVoid();
                });
    }

    private Uni<List<QuestionRecord>> markDuplicate(RunRecord run, RunItem item, String imageId) {
        LOG.infof("run %s row %d (%s): the same image is already in the run as %s", run.runId, item.rowNo, item.sourceRef, imageId);
        return RunItem.update("status = ?1, imageId = ?2, detail = ?3, updatedAt = ?4 where id = ?5", RunItem.Status.DUPLICATE.name(),
                        imageId, "same bytes and class path as an earlier row", Instant.now(), item.id)
                .call(() -> RunRecord.update("imagesDuplicate = imagesDuplicate + 1, updatedAt = ?1 where runId = ?2", Instant.now(), run.runId))
                .replaceWith((List<QuestionRecord>) null);
    }

    private Uni<List<QuestionRecord>> storeWritten(RunRecord run, RunItem item, Prepared p, String imageId) {
        Instant now = Instant.now();
        item.status = RunItem.Status.WRITTEN.name();
        item.imageId = imageId;
        item.sha256 = p.image().sha256();
        item.blobUri = p.blobUri();
        item.width = p.image().width();
        item.height = p.image().height();
        item.mime = p.image().mime();
        item.sizeBytes = p.image().sizeBytes();
        item.description = p.prompts().description();
        item.attempts++;
        item.updatedAt = now;
        List<QuestionRecord> questions = new ArrayList<>();
        p.prompts().texts().forEach((type, text) -> {
            String questionId = Ids.of("q", imageId, type.name(), text);
            // named targets: every one still ACTIVE, even if its heartbeat is late (a lane restarting after a
            // crash), so a disturbed run fans out exactly as an undisturbed one; its requests wait on its topic
            List<String> targets = split(run.targets);
            List<String> chosen = FanOutPlanner.choose(FanOutMode.valueOf(run.fanOut), run.sampleSize,
                    targets.isEmpty() ? responders.live() : responders.active(), targets, run.seed, questionId);
            QuestionRecord q = new QuestionRecord();
            q.questionId = questionId;
            q.runId = run.runId;
            q.imageId = imageId;
            q.type = type.name();
            q.text = text;
            q.generatorModel = p.prompts().generatorModel();
            q.templateVersion = p.prompts().templateVersion();
            q.simulated = p.prompts().simulated();
            q.expectedResponders = String.join(",", chosen);
            q.createdAt = now;
            questions.add(q);
        });
        // merge, not persist: the item was loaded in another session
        return Panache.getSession().flatMap(s -> s.merge(item))
                .call(() -> Multi.createFrom().iterable(questions)
                        .onItem().transformToUniAndConcatenate(q -> QuestionRecord.<QuestionRecord>findById(q.questionId)
                                .onItem().transformToUni(existing -> existing != null ? Uni.createFrom().item(existing) : q.persist()))
                        .collect().asList())
                .replaceWith(questions);
    }

    /**
     * After the round's publishing, in one transaction: the published rows DONE and the run's counts moved by all of
     * them at once; an image whose records could not all be published is retried or rejected (publishFailed).
     */
    private Uni<Boolean> finishRound(RunRecord run, Stored stored, Map<Long, PublishFailure> failures) {
        List<QuestionPublisher.ImageQuestions> published = stored.toPublish.stream()
                .filter(image -> !failures.containsKey(image.item().id)).toList();
        List<Long> done = published.stream().map(image -> image.item().id).toList();
        List<QuestionRecord> questions = published.stream().flatMap(image -> image.questions().stream()).toList();
        boolean ended = stored.ended || !done.isEmpty()
                || failures.values().stream().anyMatch(PublishFailure::permanent);
        if (done.isEmpty() && failures.isEmpty()) {
            return Uni.createFrom().item(ended);
        }
        return Panache.withTransaction(() -> (done.isEmpty() ? Uni.createFrom().voidItem()
                        : RunItem.update("status = ?1, updatedAt = ?2 where id in ?3", RunItem.Status.DONE.name(), Instant.now(), done)
                                .call(() -> RunRecord.update("imagesAccepted = imagesAccepted + ?1, "
                                                + "questionsEasy = questionsEasy + ?2, questionsHard = questionsHard + ?3, "
                                                + "statementsHard = statementsHard + ?4, requestsDispatched = requestsDispatched + ?5, "
                                                + "updatedAt = ?6 where runId = ?7",
                                        done.size(), count(questions, QuestionType.EASY_QUESTION),
                                        count(questions, QuestionType.HARD_QUESTION), count(questions, QuestionType.HARD_STATEMENT),
                                        requests(questions), Instant.now(), run.runId))
                                .replaceWithVoid())
                        .call(() -> Multi.createFrom().iterable(stored.toPublish)
                                .filter(image -> failures.containsKey(image.item().id))
                                .onItem().transformToUniAndConcatenate(image -> publishFailed(run, image.item(), failures.get(image.item().id)))
                                .collect().last()))
                .invoke(() -> {
                    metrics.counter("spavl.generator.images.accepted").increment(done.size());
                    questions.forEach(q -> questions(QuestionType.valueOf(q.type)).increment());
                    published.stream().filter(image -> stored.republished.contains(image.item().id)).forEach(image ->
                            LOG.infof("run %s row %d: written questions published again", run.runId, image.item().rowNo));
                })
                .replaceWith(ended);
    }

    /**
     * A failure that cannot pass, or the last allowed attempt, rejects the image with the error (the run goes on with
     * its other images); otherwise the row stays WRITTEN and is published again, from its stored questions, next round.
     */
    private Uni<Void> publishFailed(RunRecord run, RunItem item, PublishFailure failure) {
        metrics.counter("spavl.generator.publish.failures", "permanent", String.valueOf(failure.permanent())).increment();
        int attempt = item.publishAttempts + 1;
        int limit = config.worker().maxPublishAttempts();
        if (failure.permanent() || attempt >= limit) {
            String why = failure.permanent()
                    ? "its events cannot be published, and would not be on a retry: " + failure.detail()
                    : "its events could not be published in " + attempt + " attempts (worker.max-publish-attempts), the last: "
                            + failure.detail();
            String reason = PublishFailure.Reason.PUBLISH_FAILED.name();
            countRejection(run.runId, reason);
            LOG.errorf("run %s row %d (%s) rejected: %s", run.runId, item.rowNo, item.sourceRef, why);
            return RunItem.update("status = ?1, reason = ?2, detail = ?3, "
                                    + "publishAttempts = publishAttempts + 1, updatedAt = ?4 where id = ?5",
                            RunItem.Status.REJECTED.name(), reason, why, Instant.now(), item.id)
                    .call(() -> RunRecord.update("imagesRejected = imagesRejected + 1, updatedAt = ?1 where runId = ?2",
                            Instant.now(), run.runId))
                    .replaceWithVoid();
        }
        String why = "publishing failed (attempt " + attempt + " of " + limit + "): " + failure.detail();
        LOG.warnf("run %s row %d (%s): %s; retried next round", run.runId, item.rowNo, item.sourceRef, why);
        return RunItem.update("publishAttempts = publishAttempts + 1, detail = ?1, updatedAt = ?2 "
                + "where id = ?3", why, Instant.now(), item.id).replaceWithVoid();
    }

    /**
     * A row that failed this round (its prompts could not be written, or its rows stored) stays PENDING for the next
     * round with the failure recorded; at {@code worker.max-item-attempts} it is rejected with {@code reason}. Runs
     * inside the caller's transaction. True when it was rejected.
     */
    private Uni<Boolean> recordFailure(RunItem item, RejectionReason reason, String detail) {
        metrics.counter(reason == RejectionReason.STORE_FAILED ? "spavl.generator.store.failures"
                : "spavl.generator.prompt.failures").increment();
        if (item.attempts + 1 >= config.worker().maxItemAttempts()) {
            countRejection(item.runId, reason.name());
            String why = detail + " (" + (item.attempts + 1) + " rounds)";
            LOG.errorf("run %s row %d (%s) rejected: %s", item.runId, item.rowNo, item.sourceRef, why);
            return RunItem.update(
                            "status = ?1, reason = ?2, detail = ?3, attempts = attempts + 1, updatedAt = ?4 where id = ?5",
                            RunItem.Status.REJECTED.name(), reason.name(), why, Instant.now(), item.id)
                    .call(() -> RunRecord.update("imagesRejected = imagesRejected + 1, updatedAt = ?1 where runId = ?2",
                            Instant.now(), item.runId))
                    .replaceWith(true);
        }
        LOG.warnf("run %s row %d (%s): %s; retried next round", item.runId, item.rowNo, item.sourceRef, detail);
        return RunItem.update("attempts = attempts + 1, detail = ?1, updatedAt = ?2 where id = ?3",
                detail, Instant.now(), item.id).replaceWith(false);
    }

    // ---------------------------------------------------------------------------------- helpers

    static String imageId(String runId, String sha256, RunItem item) {
        return Ids.of("img", runId, sha256, item.class1, item.class2, item.class3);
    }

    private static RunItem item(String runId, int rowNo, String ref, Instant now) {
        RunItem item = new RunItem();
        item.runId = runId;
        item.rowNo = rowNo;
        item.sourceRef = ref;
        item.updatedAt = now;
        return item;
    }

    private static void reject(RunItem item, RejectionReason reason, String detail) {
        item.status = RunItem.Status.REJECTED.name();
        item.reason = reason.name();
        item.detail = detail;
    }

    private void countRejection(String runId, String reason) {
        rejected(reason).increment();
    }

    private static int count(List<QuestionRecord> questions, QuestionType type) {
        return (int) questions.stream().filter(q -> q.type.equals(type.name())).count();
    }

    private static int requests(List<QuestionRecord> questions) {
        return questions.stream().mapToInt(q -> split(q.expectedResponders).size()).sum();
    }

    static List<String> split(String csv) {
        return csv == null || csv.isBlank() ? List.of() : List.of(csv.split(","));
    }
}
