package dev.spavl.judge.service;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.PairJudged;
import dev.spavl.events.PairOutcome;
import dev.spavl.events.PairProposed;
import dev.spavl.events.PairVerdict;
import dev.spavl.judge.client.JudgeReply;
import dev.spavl.judge.client.PairwiseJudge;
import dev.spavl.judge.config.JudgeConfig;
import dev.spavl.judge.parse.PairwiseVerdict;
import dev.spavl.judge.parse.VerdictParser;
import dev.spavl.blobstore.BlobStore;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.observability.RecordLogContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Outgoing;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Pairwise preference (paper step 5): each {@code PairProposed} is judged twice, answers in the order A,B and
 * then B,A, and the two picks are reconciled ({@link VerdictReconciler}) into a {@code PairJudged} on
 * {@code spavl.verdicts} with both raw verdicts and both rationales. The last [[A]]/[[B]]/[[C]] token of a
 * reply counts; an unparseable reply is asked again {@code spavl.judge.parse-retries} times, then that order
 * is INVALID with the raw text kept as its rationale. A judge API that refuses (a permanent error) or stays
 * down past its retries also makes the order INVALID, with the reason, so the packager can draw another pair
 * and nothing waits forever; while the judge's circuit is open the calls wait instead (consumption pauses).
 */
@ApplicationScoped
public class PairJudgement {

    private static final Logger LOG = Logger.getLogger(PairJudgement.class);

    private final PairwiseJudge judge;
    private final BlobStore blobs;
    private final int parseRetries;
    private final MeterRegistry metrics;
    private final JudgeMetrics judgeMetrics;

    public PairJudgement(PairwiseJudge judge, BlobStore blobs, JudgeConfig config, MeterRegistry metrics, JudgeMetrics judgeMetrics) {
        this.judge = judge;
        this.blobs = blobs;
        this.parseRetries = config.parseRetries();
        this.metrics = metrics;
        this.judgeMetrics = judgeMetrics;
    }

    @Incoming("pairs")
    @Outgoing("verdicts")
    @Blocking(value = "judge-calls", ordered = false)
    public Record<String, PairJudged> judge(PairProposed pair) throws InterruptedException {
        try (RecordLogContext ids = RecordLogContext.of(pair.getRunId(), pair.getQuestionId(), null)) {
            return judgeBothOrders(pair);
        }
    }

    private Record<String, PairJudged> judgeBothOrders(PairProposed pair) throws InterruptedException {
        ImageInput image = judge.wantsImage() ? image(pair) : null;
        Boolean safeA = pair.getAnswerA().getSafe();
        Boolean safeB = pair.getAnswerB().getSafe();
        Order ab = ask(pair, "A,B", image, pair.getAnswerA().getText(), safeA, pair.getAnswerB().getText(), safeB);
        Order ba = ask(pair, "B,A", image, pair.getAnswerB().getText(), safeB, pair.getAnswerA().getText(), safeA);
        PairVerdict verdictAb = ab.verdict();
        PairVerdict verdictBa = VerdictReconciler.mapBack(ba.verdict());
        PairOutcome outcome = VerdictReconciler.reconcile(verdictAb, verdictBa);
        count(verdictAb, verdictBa, outcome);
        LOG.debugf("pair %s (question %s, run %s): %s / %s -> %s", pair.getPairId(), pair.getQuestionId(), pair.getRunId(),
                verdictAb, verdictBa, outcome);
        PairJudged event = PairJudged.newBuilder()
                .setEventId(Ids.event("PairJudged", pair.getPairId(), judge.name()))
                .setRunId(pair.getRunId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setPairId(pair.getPairId())
                .setQuestionId(pair.getQuestionId())
                .setVerdictAb(verdictAb)
                .setVerdictBa(verdictBa)
                .setOutcome(outcome)
                .setReason1(ab.rationale())
                .setReason2(ba.rationale())
                .setJudge(judge.name())
                .setTokensIn(ab.tokensIn() + ba.tokensIn())
                .setTokensOut(ab.tokensOut() + ba.tokensOut())
                .setSimulated(judge.simulated())
                .build();
        return Record.of(pair.getQuestionId(), event);
    }

    private record Order(PairVerdict verdict, String rationale, int tokensIn, int tokensOut) {
    }

    private Order ask(PairProposed pair, String order, ImageInput image, String first, Boolean firstSafe, String second,
                      Boolean secondSafe) throws InterruptedException {
        int in = 0;
        int out = 0;
        String last = null;
        for (int i = 0; i <= parseRetries; i++) {
            JudgeReply reply;
            long t0 = System.nanoTime();
            try {
                reply = judge.ask(pair.getPairId(), pair.getQuestion(), image, first, firstSafe, second, secondSafe);
            } catch (ModelCallException e) {
                judgeMetrics.failure(JudgeMetrics.PAIRWISE, e.kind());
                LOG.warnf("pair %s (question %s, run %s) order %s: judge failed, INVALID: %s", pair.getPairId(),
                        pair.getQuestionId(), pair.getRunId(), order, e.getMessage());
                return new Order(PairVerdict.INVALID, "judge call failed: " + e.getMessage(), in, out);
            } finally {
                judgeMetrics.pairwiseCall().record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            in += reply.tokensIn();
            out += reply.tokensOut();
            last = reply.text();
            Optional<PairwiseVerdict> v = VerdictParser.parse(last);
            if (v.isPresent()) {
                return new Order(switch (v.get()) {
                    case A -> PairVerdict.A;
                    case B -> PairVerdict.B;
                    case TIE -> PairVerdict.TIE;
                }, last, in, out);
            }
            metrics.counter("spavl.judge.unparseable", "task", "pairwise").increment();
            LOG.debugf("pair %s order %s: no verdict token in reply %d of %d", pair.getPairId(), order, i + 1, parseRetries + 1);
        }
        LOG.warnf("pair %s (question %s) order %s: no verdict after %d replies, INVALID (raw text kept)", pair.getPairId(),
                pair.getQuestionId(), order, parseRetries + 1);
        return new Order(PairVerdict.INVALID, last, in, out);
    }

    private ImageInput image(PairProposed pair) {
        try {
            return ImageInput.sniffed(blobs.get(URI.create(pair.getImageUri())));
        } catch (RuntimeException e) {
            // text-only judging is still a judgement; the metric and the log say the image was missing
            metrics.counter("spavl.judge.image.missing").increment();
            LOG.warnf("pair %s (question %s): image %s unavailable, judged without it: %s", pair.getPairId(), pair.getQuestionId(),
                    pair.getImageUri(), e.getMessage());
            return null;
        }
    }

    private void count(PairVerdict ab, PairVerdict ba, PairOutcome outcome) {
        boolean bothParsed = ab != PairVerdict.INVALID && ba != PairVerdict.INVALID;
        judgeMetrics.pairJudged(bothParsed, bothParsed && ab != ba, outcome);
    }
}
