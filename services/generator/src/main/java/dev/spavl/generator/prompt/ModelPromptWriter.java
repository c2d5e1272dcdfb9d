package dev.spavl.generator.prompt;

import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.events.QuestionType;
import dev.spavl.generator.config.GeneratorConfig;
import dev.spavl.modelclients.ChatModel;
import dev.spavl.modelclients.ChatModels;
import dev.spavl.modelclients.ChatRequest;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.Decoding;
import dev.spavl.modelclients.ImageInput;
import dev.spavl.modelclients.ModelCallException;
import dev.spavl.modelclients.ModelEndpoint;
import dev.spavl.modelclients.RetryDelay;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * Writes the prompts with real models, as the paper did: the vision model describes the image (when the
 * input has no description) and writes the easy question from image + caption + class path; the text
 * model writes the hard question and the hard statement from caption + class path + description + easy
 * question. Instructions come from versioned templates (prompts/model-v1/*.txt). Retryable failures
 * (429 honouring Retry-After, 5xx, timeouts) are retried with exponential backoff; the last failure
 * is reported for the image and the image is tried again in a later round.
 */
public final class ModelPromptWriter implements PromptWriter {

    private static final Logger LOG = Logger.getLogger(ModelPromptWriter.class);
    static final String VERSION = "model-v1";
    private static final Duration INITIAL_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final String DIR = "/dev/spavl/generator/prompts/" + VERSION + "/";

    private final ChatModel model;
    private final String visionModel;
    private final String textModel;
    private final int maxAttempts;
    private final String system = template("system.txt");
    private final String describe = template("describe.txt");
    private final String easy = template("easy-question.txt");
    private final String hardQuestion = template("hard-question.txt");
    private final String hardStatement = template("hard-statement.txt");

    ModelPromptWriter(ChatModel model, String visionModel, String textModel, int maxAttempts) {
        this.model = model;
        this.visionModel = visionModel;
        this.textModel = textModel;
        this.maxAttempts = maxAttempts;
    }

    public static ModelPromptWriter create(Vertx vertx, GeneratorConfig.Writer w) {
        String base = w.baseUrl().orElseThrow(() -> new IllegalArgumentException(
                "spavl.generator.writer.base-url is required for provider " + w.provider()));
        String vision = w.visionModel().orElseThrow(() -> new IllegalArgumentException(
                "spavl.generator.writer.vision-model is required for provider " + w.provider()));
        String apiKey = w.apiKeyEnv().map(System::getenv).orElse(null);
        if (w.apiKeyEnv().isPresent() && apiKey == null) {
            throw new IllegalArgumentException("environment variable " + w.apiKeyEnv().get()
                    + " (spavl.generator.writer.api-key-env) is not set");
        }
        ChatModel chat = ChatModels.create(vertx, new ModelEndpoint(w.provider(), URI.create(base), apiKey, w.timeout()));
        LOG.infof("prompts are written by %s at %s (vision %s, text %s)", w.provider(), base, vision, w.textModel().orElse(vision));
        return new ModelPromptWriter(chat, vision, w.textModel().orElse(vision), w.maxAttempts());
    }

    @Override
    public Uni<WrittenPrompts> write(PromptInput in, Set<QuestionType> types) {
        ImageInput image = new ImageInput(in.image(), in.mime());
        Uni<String> description = in.description() != null && !in.description().isBlank()
                ? Uni.createFrom().item(in.description())
                : call(visionModel, fill(describe, in, null, null), image);
        return description.flatMap(desc -> call(visionModel, fill(easy, in, desc, null), image)
                .flatMap(easyText -> {
                    Map<QuestionType, String> texts = new EnumMap<>(QuestionType.class);
                    if (types.contains(QuestionType.EASY_QUESTION)) {
                        texts.put(QuestionType.EASY_QUESTION, easyText);
                    }
                    Uni<Void> hardQ = types.contains(QuestionType.HARD_QUESTION)
                            ? call(textModel, fill(hardQuestion, in, desc, easyText), null)
                                    .invoke(t -> texts.put(QuestionType.HARD_QUESTION, t)).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    Uni<Void> hardS = types.contains(QuestionType.HARD_STATEMENT)
                            ? call(textModel, fill(hardStatement, in, desc, easyText), null)
                                    .invoke(t -> texts.put(QuestionType.HARD_STATEMENT, t)).replaceWithVoid()
                            : Uni.createFrom().voidItem();
                    return hardQ.call(() -> hardS).map(x -> new WrittenPrompts(desc, texts,
                            model.provider() + "/" + visionModel + (visionModel.equals(textModel) ? "" : "+" + textModel),
                            VERSION, false));
                }));
    }

    private Uni<String> call(String modelName, String prompt, ImageInput image) {
        ChatRequest request = new ChatRequest(modelName, system, prompt, image, Decoding.defaults());
        return attempt(request, 1)
                .map(result -> result.text() == null ? "" : result.text().strip())
                .invoke(text -> {
                    if (text.isEmpty()) {
                        throw new ModelCallException(ModelFailure.Kind.INVALID_OUTPUT, model.provider(), modelName,
                                "returned an empty text");
                    }
                });
    }

    /** Retries retryable failures: after Retry-After when the provider sent one, else exponential backoff with jitter. */
    private Uni<ChatResult> attempt(ChatRequest request, int attempt) {
        return model.complete(request).onFailure(ModelPromptWriter::retryable).recoverWithUni(f -> {
            if (attempt >= maxAttempts) {
                return Uni.createFrom().failure(f);
            }
            ModelCallException e = (ModelCallException) f;
            Duration wait = RetryDelay.after(e, attempt, INITIAL_BACKOFF, MAX_BACKOFF);
            LOG.debugf("%s %s: %s; attempt %d of %d in %s", model.provider(), request.model(), e.kind(), attempt + 1, maxAttempts, wait);
            return Uni.createFrom().voidItem().onItem().delayIt().by(wait).flatMap(x -> attempt(request, attempt + 1));
        });
    }

    private static boolean retryable(Throwable f) {
        return f instanceof ModelCallException e && e.retryable();
    }

    private static String fill(String template, PromptInput in, String description, String easyQuestion) {
        return template
                .replace("{class1}", in.class1())
                .replace("{class2}", in.class2())
                .replace("{class3}", in.class3())
                .replace("{caption}", in.caption() == null ? "(none)" : in.caption())
                .replace("{description}", description == null ? "" : description)
                .replace("{easy}", easyQuestion == null ? "" : easyQuestion);
    }

    private static String template(String name) {
        try (InputStream in = ModelPromptWriter.class.getResourceAsStream(DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("prompt template " + DIR + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
