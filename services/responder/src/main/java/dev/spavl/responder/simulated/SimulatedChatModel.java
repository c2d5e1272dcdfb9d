package dev.spavl.responder.simulated;

import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.ModelCallException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Offline stand-in for a real responder model (provider {@code simulated}). It never touches the network and
 * never sees the image: answers are chosen from {@link PhraseBank} texts about the question's subject.
 *
 * <p>Everything is a pure function of the persona's seed, its model id and the request text, so replays and
 * redeliveries after a crash give identical answers:
 * <ul>
 *   <li>a harmful-looking request (see {@link PhraseBank#looksHarmful}) is complied with with probability
 *       {@link Persona#unsafeRate()} and refused otherwise; a benign-looking one gets a benign answer;</li>
 *   <li>the wording (which apology, reason, alternative, ...) is drawn per request text;</li>
 *   <li>latency and faults are drawn per request text <em>and attempt</em>, so a retry can succeed where the
 *       first attempt failed, and the same attempt always fails the same way.</li>
 * </ul>
 *
 * <p>Like the HTTP clients, {@link #complete} returns a lazy Uni and every subscription is a new call: the
 * k-th subscription (0-based) of {@code complete(request, attempt)} is attempt {@code attempt + k}, so
 * {@code complete(req).onFailure().retry().atMost(3)} walks through attempts 1..4 exactly as a lane that
 * calls {@code complete(req, n)} for n = 1..4 would. Delays run on a Mutiny timer (never a sleeping
 * thread); items and failures arrive on that timer's thread.
 *
 * <p>Results carry {@code rawModel = simulated/<modelId>} and {@code finishReason = stop} ({@code length} when
 * {@code maxTokens} cut the text); token counts are estimated (words x 1.3, plus a fixed count per image) so
 * that cost accounting has numbers to work with. The texts themselves carry no label and never claim to be a
 * particular real model; the lane marks every outcome from this provider {@code simulated=true}.
 */
public final class SimulatedChatModel implements ChatModel {

    public static final String PROVIDER = "simulated";
    public static final String RAW_MODEL_PREFIX = PROVIDER + "/";

    /** What the persona does with a request. Benign-looking requests are always answered (COMPLY). */
    public enum Decision { COMPLY, REFUSE }

    /** The outcome of one attempt's fault draw. */
    enum Fault { NONE, RATE_LIMITED, SERVER_ERROR, TIMEOUT, GARBAGE }

    private final Persona persona;
    private final PhraseBank bank;
    private final ScheduledExecutorService timer;
    private final Draws draws;

    public SimulatedChatModel(Persona persona) {
        this(persona, PhraseBank.v1(), null);
    }

    /**
     * @param bank  the phrase bank (texts, harm markers, subject rules)
     * @param timer executor for delays and timeouts; {@code null} = Mutiny's default worker pool, looked up at
     *              call time so that a pool installed later (e.g. by Quarkus) is used
     */
    public SimulatedChatModel(Persona persona, PhraseBank bank, ScheduledExecutorService timer) {
        this.persona = Objects.requireNonNull(persona, "persona");
        this.bank = Objects.requireNonNull(bank, "bank");
        this.timer = timer;
        this.draws = new Draws(persona.seed(), persona.modelId());
    }

    public Persona persona() {
        return persona;
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** Whether a result came from a simulated model (its rawModel is {@code simulated/...}). */
    public static boolean isSimulated(ChatResult result) {
        return result.rawModel() != null && result.rawModel().startsWith(RAW_MODEL_PREFIX);
    }

    /** Attempt 1. */
    @Override
    public Uni<ChatResult> complete(ChatRequest request) {
        return complete(request, 1);
    }

    /**
     * One call as attempt {@code attempt} (1 = first try). Only latency and faults depend on the attempt;
     * decision and text never do.
     */
    public Uni<ChatResult> complete(ChatRequest request, int attempt) {
        Objects.requireNonNull(request, "request");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1: " + attempt);
        }
        AtomicInteger resubscriptions = new AtomicInteger();
        return Uni.createFrom().deferred(() -> call(request, attempt + resubscriptions.getAndIncrement()));
    }

    /** COMPLY or REFUSE for this text; the same text always gets the same decision under the same persona. */
    public Decision decide(String userText) {
        String text = normalize(userText);
        if (!bank.looksHarmful(text)) {
            return Decision.COMPLY;
        }
        return draws.uniform("decision", text) < persona.unsafeRate() ? Decision.COMPLY : Decision.REFUSE;
    }

    /** Whether the persona treats the text as a harmful request (only those are refused). */
    public boolean looksHarmful(String userText) {
        return bank.looksHarmful(normalize(userText));
    }

    /** The full answer text this persona gives to the question (before any maxTokens cut). */
    public String answer(String userText) {
        String text = normalize(userText);
        SubjectExtractor.Subject subject = bank.subjects().extract(text);
        PhraseBank.Section section;
        List<String> parts;
        if (!bank.looksHarmful(text)) {
            section = bank.benign();
            parts = List.copyOf(section.parts().keySet());
        } else if (decide(text) == Decision.COMPLY) {
            section = bank.compliance(subject.statement());
            parts = List.copyOf(section.parts().keySet());
        } else {
            section = bank.refusal(subject.statement());
            parts = bank.refusalParts(persona.refusalStyle());
        }
        StringBuilder sb = new StringBuilder();
        for (String part : parts) {
            List<String> variants = section.parts().get(part);
            // the draw is keyed by part name, so a style that drops a part leaves the others' wording unchanged
            String chosen = variants.get(draws.index(section.name() + "." + part, text, variants.size()));
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(chosen.replace("{subject}", subject.phrase()));
        }
        return sb.toString();
    }

    /** Which fault (if any) hits this attempt: one draw, split into bands of the four fault rates. */
    Fault fault(String userText, int attempt) {
        double u = draws.uniform("fault", normalize(userText), attempt);
        double band = persona.rate429();
        if (u < band) {
            return Fault.RATE_LIMITED;
        }
        band += persona.rate500();
        if (u < band) {
            return Fault.SERVER_ERROR;
        }
        band += persona.rateTimeout();
        if (u < band) {
            return Fault.TIMEOUT;
        }
        band += persona.rateGarbage();
        if (u < band) {
            return Fault.GARBAGE;
        }
        return Fault.NONE;
    }

    /** A draw of the persona's latency shape (mean, stddev) raised to at least latencyMin; zero when it has no latency. */
    Duration latency(String userText, int attempt) {
        long mean = persona.latencyMean().toNanos();
        long sd = persona.latencyStddev().toNanos();
        long min = persona.latencyMin().toNanos();
        double sample = sd == 0 ? mean
                : persona.latencyShape().sample(mean, sd, draws.gaussian("latency", normalize(userText), attempt));
        return Duration.ofNanos(Math.max(min, Math.max(0L, Math.round(sample))));
    }

    private Uni<ChatResult> call(ChatRequest request, int attempt) {
        long start = System.nanoTime();
        String text = normalize(request.userText());
        Fault fault = fault(text, attempt);
        Duration latency = latency(text, attempt);
        return switch (fault) {
            // a 429 is answered before any generation: as fast as the persona ever answers
            case RATE_LIMITED -> failAfter(persona.latencyMin(), () -> new ModelCallException(
                    ModelFailure.Kind.RATE_LIMITED, PROVIDER, persona.modelId(), 429,
                    "simulated rate limit (attempt " + attempt + ")",
                    "{\"error\":{\"message\":\"Rate limit reached (simulated)\"}}", persona.retryAfter(), null));
            case SERVER_ERROR -> failAfter(latency, () -> new ModelCallException(
                    ModelFailure.Kind.SERVER_ERROR, PROVIDER, persona.modelId(), 500,
                    "simulated server error (attempt " + attempt + ")",
                    "{\"error\":{\"message\":\"Internal server error (simulated)\"}}", null, null));
            case TIMEOUT -> timeout(attempt);
            case GARBAGE -> {
                List<String> g = bank.garbage();
                String body = g.get((int) Math.floor(draws.uniform("garbage", text, attempt) * g.size()));
                yield failAfter(latency, () -> new ModelCallException(
                        ModelFailure.Kind.INVALID_OUTPUT, PROVIDER, persona.modelId(), 200,
                        "simulated unparseable response body (attempt " + attempt + ")", body, null, null));
            }
            case NONE -> latency.compareTo(persona.timeout()) >= 0
                    // a draw from the latency tail beyond the deadline ends the way a real client's call would
                    ? timeout(attempt)
                    : after(latency).map(v -> result(request, text, start));
        };
    }

    private ChatResult result(ChatRequest request, String text, long start) {
        String answer = answer(text);
        String finish = "stop";
        double perWord = bank.tokensPerWord();
        int maxTokens = request.decoding().maxTokens();
        String[] words = answer.split(" ");
        if (Math.ceil(words.length * perWord) > maxTokens) {
            // honour the token limit the way a real model does: cut mid-answer and say so
            int keep = Math.max(1, (int) Math.floor(maxTokens / perWord));
            answer = String.join(" ", Arrays.copyOf(words, Math.min(keep, words.length)));
            finish = "length";
        }
        int tokensOut = Math.min(maxTokens, tokens(answer));
        int tokensIn = tokens(request.systemPrompt()) + tokens(request.userText())
                + (request.image() == null ? 0 : bank.tokensPerImage());
        return new ChatResult(answer, finish, tokensIn, tokensOut, Duration.ofNanos(System.nanoTime() - start),
                RAW_MODEL_PREFIX + persona.modelId());
    }

    private Uni<ChatResult> timeout(int attempt) {
        Duration t = persona.timeout();
        return Uni.createFrom().<ChatResult>nothing()
                .ifNoItem().after(t).on(timer()).failWith(() -> new ModelCallException(
                        ModelFailure.Kind.TIMEOUT, PROVIDER, persona.modelId(), 0,
                        "simulated: no response within " + t + " (attempt " + attempt + ")", null, null, null));
    }

    private Uni<ChatResult> failAfter(Duration delay, Supplier<ModelCallException> failure) {
        return after(delay).onItem().transformToUni(v -> Uni.createFrom().failure(failure.get()));
    }

    private Uni<Void> after(Duration delay) {
        Uni<Void> now = Uni.createFrom().voidItem();
        return delay.isZero() ? now : now.onItem().delayIt().onExecutor(timer()).by(delay);
    }

    private ScheduledExecutorService timer() {
        return timer != null ? timer : Infrastructure.getDefaultWorkerPool();
    }

    private int tokens(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        return (int) Math.ceil(s.strip().split("\\s+").length * bank.tokensPerWord());
    }

    // whitespace differences must not turn the same question into a different one
    private static String normalize(String text) {
        return text == null ? "" : text.strip().replaceAll("\\s+", " ");
    }

    @Override
    public String toString() {
        return "SimulatedChatModel[" + persona.modelId() + ", unsafeRate=" + persona.unsafeRate()
                + ", seed=" + persona.seed() + ", bank=" + bank.version() + "]";
    }
}
