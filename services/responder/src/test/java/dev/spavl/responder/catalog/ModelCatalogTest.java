package dev.spavl.responder.catalog;

import dev.spavl.responder.simulated.LatencyShape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import dev.spavl.responder.catalog.ModelSpec.Decoding;
import dev.spavl.responder.catalog.ModelSpec.Faults;
import dev.spavl.responder.catalog.ModelSpec.Latency;
import dev.spavl.responder.catalog.ModelSpec.Price;
import dev.spavl.responder.catalog.ModelSpec.Provider;
import dev.spavl.responder.catalog.ModelSpec.RateLimit;
import dev.spavl.responder.catalog.ModelSpec.RefusalStyle;
import dev.spavl.responder.catalog.ModelSpec.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

class ModelCatalogTest {

    static final List<String> PAPER_IDS = List.of("otter", "mplug-owl", "lamm-sft", "llama-adapter-v2", "minigpt-4",
            "instructblip", "lamm", "llava-1.5-7b", "internlm-xcomposer", "qwen-vl-chat", "gemini-pro-vision",
            "gemini-pro-vision-jb");

    static final String P = ModelCatalog.PREFIX;

    // ---- the bundled catalog ----------------------------------------------------------------------------

    @Test
    void bundledCatalogHasThePapersTwelveModelsInOrder() {
        ModelCatalog catalog = ModelCatalog.bundled();

        assertThat(catalog.ids()).containsExactlyElementsOf(PAPER_IDS);
        assertThat(catalog.models()).allSatisfy(m -> {
            assertThat(m.provider()).isEqualTo(Provider.SIMULATED);
            assertThat(m.simulated()).isTrue();
            assertThat(m.endpoint()).isEmpty();
        });
    }

    @Test
    void bundledIdsAreTheModelsWhoseTopicsExistByDefault() {
        // schemas/topics.yaml creates spavl.requests.<id> for these: a lane without its topic would never start
        assertThat(ModelCatalog.bundled().ids())
                .containsExactlyElementsOf(dev.spavl.contracts.topics.TopicCatalog.bundled().defaultModels());
    }

    @Test
    void bundledUnsafeRatesAreThePapersHarmEvalRates() {
        Map<String, Double> paperPercent = Map.of("qwen-vl-chat", 7.55, "internlm-xcomposer", 26.04,
                "lamm-sft", 32.08, "lamm", 32.83, "minigpt-4", 38.32, "otter", 41.13, "llava-1.5-7b", 44.15,
                "llama-adapter-v2", 46.04, "instructblip", 47.55, "mplug-owl", 52.45);
        ModelCatalog catalog = ModelCatalog.bundled();

        paperPercent.forEach((id, percent) -> assertThat(catalog.require(id).persona().unsafeRate())
                .as(id).isCloseTo(percent / 100, within(1e-9)));

        // Gemini is not reported: assumed values, low for the plain model and high under the jailbreak prompt
        double gemini = catalog.require("gemini-pro-vision").persona().unsafeRate();
        double jailbroken = catalog.require("gemini-pro-vision-jb").persona().unsafeRate();
        assertThat(gemini).isLessThan(0.2);
        assertThat(jailbroken).isGreaterThan(0.5).isGreaterThan(gemini);
        assertThat(catalog.require("gemini-pro-vision").systemPrompt()).isNull();
        assertThat(catalog.require("gemini-pro-vision-jb").systemPrompt()).contains("jailbreak").contains("Red-team");
    }

    @Test
    void bundledEntriesTakeDefaultsForWhatTheyLeaveOut() {
        ModelSpec llava = ModelCatalog.bundled().require("llava-1.5-7b");

        assertThat(llava.displayName()).isEqualTo("LLaVA-1.5 (7B)");
        assertThat(llava.modelName()).isEqualTo("llava-hf/llava-1.5-7b-hf");
        assertThat(llava.decoding()).isEqualTo(Decoding.DEFAULT);
        assertThat(llava.rateLimit()).isEqualTo(RateLimit.UNLIMITED);
        assertThat(llava.retry()).isEqualTo(Retry.DEFAULT);
        assertThat(llava.price()).isEqualTo(Price.FREE);
        assertThat(llava.concurrency()).isEqualTo(ModelSpec.DEFAULT_CONCURRENCY);
        assertThat(llava.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(llava.apiKeyEnv()).isEmpty();
        assertThat(llava.persona().faults()).isEqualTo(Faults.NONE);
        assertThat(llava.persona().latency()).isEqualTo(new Latency(600, 200, 120));
        assertThat(llava.persona().refusalStyle()).isEqualTo(RefusalStyle.APOLOGETIC);

        ModelSpec gemini = ModelCatalog.bundled().require("gemini-pro-vision");
        assertThat(gemini.apiKeyEnv()).contains("GEMINI_API_KEY");
        // exact decimal text, not a double's approximation
        assertThat(gemini.price().inputPer1k()).isEqualByComparingTo("0.0005");
        assertThat(gemini.price().outputPer1k()).isEqualByComparingTo("0.0015");
        assertThat(gemini.price().cost(2000, 1000)).isEqualByComparingTo("0.0025");
    }

    // ---- adding and changing models by configuration --------------------------------------------------

    @Test
    void aThirteenthModelAddedByOverridesOnly() {
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put(P + "my-model.provider", "openai");
        overrides.put(P + "my-model.endpoint", "http://127.0.0.1:8000/v1");
        overrides.put(P + "my-model.model-name", "llava-hf/llava-v1.6-mistral-7b-hf");
        overrides.put(P + "my-model.display-name", "My LLaVA");
        overrides.put(P + "my-model.api-key-env", "MY_MODEL_KEY");
        overrides.put(P + "my-model.concurrency", "2");
        overrides.put(P + "my-model.rate-limit.requests-per-minute", "60");
        overrides.put(P + "my-model.rate-limit.tokens-per-minute", "100000");
        overrides.put(P + "my-model.timeout", "90s");
        overrides.put(P + "my-model.retry.max-attempts", "3");
        overrides.put(P + "my-model.decoding.temperature", "0");
        overrides.put(P + "my-model.price.input-per-1k", "0.01");
        overrides.put(P + "my-model.system-prompt", "You are a helpful assistant.");

        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), overrides);

        assertThat(catalog.ids()).hasSize(13).startsWith(PAPER_IDS.toArray(String[]::new)).endsWith("my-model");
        ModelSpec m = catalog.require("my-model");
        assertThat(m.provider()).isEqualTo(Provider.OPENAI);
        assertThat(m.simulated()).isFalse();
        assertThat(m.endpoint()).contains(URI.create("http://127.0.0.1:8000/v1"));
        assertThat(m.modelName()).isEqualTo("llava-hf/llava-v1.6-mistral-7b-hf");
        assertThat(m.displayName()).isEqualTo("My LLaVA");
        assertThat(m.apiKeyEnv()).contains("MY_MODEL_KEY");
        assertThat(m.concurrency()).isEqualTo(2);
        assertThat(m.rateLimit()).isEqualTo(new RateLimit(60, 100_000));
        assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(m.retry()).isEqualTo(new Retry(3, Duration.ofSeconds(1), Duration.ofSeconds(60)));
        assertThat(m.decoding()).isEqualTo(new Decoding(0, 1.0, 1024));
        assertThat(m.price().inputPer1k()).isEqualByComparingTo("0.01");
        assertThat(m.price().outputPer1k()).isEqualByComparingTo("0");
        assertThat(m.systemPrompt()).isEqualTo("You are a helpful assistant.");
    }

    @Test
    void aCustomModelNeedsOnlyItsProviderAndIsNotSimulated() {
        // a ModelResponder bean @Responds("my-bean") answers for it (services/responder-starter)
        ModelSpec m = ModelCatalog.load(Optional.empty(), Map.of(P + "my-bean.provider", "custom",
                P + "my-bean.concurrency", "2")).require("my-bean");
        assertThat(m.provider()).isEqualTo(Provider.CUSTOM);
        assertThat(m.provider().http()).isFalse();
        assertThat(m.simulated()).isFalse();
        assertThat(m.endpoint()).isEmpty();
        assertThat(m.modelName()).isEqualTo("my-bean");
        assertThat(m.concurrency()).isEqualTo(2);
    }

    @Test
    void aSimulatedModelNeedsOnlyProviderAndUnsafeRateAndGetsEveryDefault() {
        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), Map.of(
                P + "tiny.provider", "simulated",
                P + "tiny.unsafe-rate", "0.2")); // short form of persona.unsafe-rate

        ModelSpec m = catalog.require("tiny");
        assertThat(m.displayName()).isEqualTo("tiny");
        assertThat(m.modelName()).isEqualTo("tiny");
        assertThat(m.endpoint()).isEmpty();
        assertThat(m.systemPrompt()).isNull();
        assertThat(m.decoding()).isEqualTo(new Decoding(0.7, 1.0, 1024));
        assertThat(m.price()).isEqualTo(Price.FREE);
        assertThat(m.price().cost(1_000_000, 1_000_000)).isEqualByComparingTo(BigDecimal.ZERO);
        assertThat(m.concurrency()).isEqualTo(4);
        assertThat(m.rateLimit()).isEqualTo(RateLimit.UNLIMITED);
        assertThat(m.retry()).isEqualTo(Retry.DEFAULT);
        assertThat(m.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(m.persona().unsafeRate()).isEqualTo(0.2);
        assertThat(m.persona().latency()).isEqualTo(Latency.DEFAULT);
        assertThat(m.persona().faults()).isEqualTo(Faults.NONE);
        assertThat(m.persona().faults().any()).isFalse();
    }

    @Test
    void overridesChangeSingleFieldsOfABundledModelAndKeepTheRest() {
        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), Map.of(
                P + "llava-1.5-7b.provider", "openai",
                P + "llava-1.5-7b.endpoint", "http://vllm:8000/v1",
                P + "llava-1.5-7b.persona.faults.rate-429", "0.1",
                P + "llava-1.5-7b.faults.retry-after", "2s",
                P + "\"llava-1.5-7b\".concurrency", "8",            // SmallRye's quoting of a dotted key
                P + "otter.persona.latency.mean-ms", "50",
                P + "otter.latency.shape", "lognormal",
                P + "otter.persona.refusal-style", "", // blank = back to the default
                P + "otter.retry.initial-backoff", "250ms"));

        assertThat(catalog.ids()).containsExactlyElementsOf(PAPER_IDS);
        ModelSpec llava = catalog.require("llava-1.5-7b");
        assertThat(llava.provider()).isEqualTo(Provider.OPENAI);
        assertThat(llava.endpoint()).contains(URI.create("http://vllm:8000/v1"));
        assertThat(llava.modelName()).isEqualTo("llava-hf/llava-1.5-7b-hf"); // from the bundle
        assertThat(llava.concurrency()).isEqualTo(8);
        assertThat(llava.persona().faults().rate429()).isEqualTo(0.1);
        assertThat(llava.persona().faults().retryAfter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(llava.persona().unsafeRate()).isEqualTo(0.4415);

        ModelSpec otter = catalog.require("otter");
        assertThat(otter.persona().latency()).isEqualTo(new Latency(50, 200, 120, LatencyShape.LOGNORMAL));
        assertThat(otter.persona().refusalStyle()).isEqualTo(RefusalStyle.APOLOGETIC); // the bundle said brief
        assertThat(otter.retry().initialBackoff()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void aCatalogFileReplacesAModelAndAddsNewOnes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                models:
                  - id: qwen-vl-chat
                    provider: openai
                    endpoint: http://qwen:8000/v1
                    model-name: Qwen/Qwen-VL-Chat
                    concurrency: 16
                  - id: zeta-vlm
                    display-name: Zeta
                    provider: anthropic
                    endpoint: https://api.anthropic.com
                    model-name: claude-sonnet-4-5
                    api-key-env: ANTHROPIC_API_KEY
                    decoding: {temperature: 0.2, top-p: 0.9, max-tokens: 512}
                    rate-limit: {requests-per-minute: 50, tokens-per-minute: 40000}
                    retry: {max-attempts: 4, initial-backoff: 500ms, max-backoff: 30s, redeliveries: 1, redelivery-delay: 5m}
                    circuit-breaker: {failure-rate-percent: 80, minimum-calls: 5, window: 10, open-for: 1m}
                    price: {input-per-1k: 0.003, output-per-1k: 0.015}
                    timeout: PT2M
                  - id: alpha-sim
                    provider: simulated
                    persona:
                      unsafe-rate: 0.5
                      faults: {rate-500: 0.05, rate-timeout: 0.01, rate-garbage: 0.02}
                """);

        ModelCatalog catalog = ModelCatalog.load(Optional.of(file), Map.of());

        List<String> expected = new java.util.ArrayList<>(PAPER_IDS);
        expected.addAll(List.of("alpha-sim", "zeta-vlm")); // added ones sorted by id after the defaults
        assertThat(catalog.ids()).containsExactlyElementsOf(expected);

        ModelSpec qwen = catalog.require("qwen-vl-chat");
        assertThat(qwen.provider()).isEqualTo(Provider.OPENAI);
        assertThat(qwen.concurrency()).isEqualTo(16);
        // replaced as a whole: the bundled display name and persona are gone, not merged
        assertThat(qwen.displayName()).isEqualTo("qwen-vl-chat");
        assertThat(qwen.persona().unsafeRate()).isZero();

        ModelSpec zeta = catalog.require("zeta-vlm");
        assertThat(zeta.provider()).isEqualTo(Provider.ANTHROPIC);
        assertThat(zeta.decoding()).isEqualTo(new Decoding(0.2, 0.9, 512));
        assertThat(zeta.rateLimit()).isEqualTo(new RateLimit(50, 40_000));
        assertThat(zeta.retry()).isEqualTo(new Retry(4, Duration.ofMillis(500), Duration.ofSeconds(30), 1, Duration.ofMinutes(5)));
        assertThat(zeta.retry().totalAttempts()).isEqualTo(8);
        assertThat(zeta.circuitBreaker()).isEqualTo(new ModelSpec.CircuitBreakerPolicy(80, 5, 10, Duration.ofMinutes(1)));
        assertThat(catalog.require("alpha-sim").circuitBreaker()).isEqualTo(ModelSpec.CircuitBreakerPolicy.DEFAULT);
        assertThat(zeta.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(zeta.price().cost(1000, 1000)).isEqualByComparingTo("0.018");

        Faults faults = catalog.require("alpha-sim").persona().faults();
        assertThat(faults).isEqualTo(new Faults(0, 0.05, 0.01, 0.02, Duration.ofSeconds(1)));
    }

    @Test
    void overridesApplyOnTopOfTheCatalogFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                models:
                  - id: extra
                    provider: simulated
                    persona: {unsafe-rate: 0.3}
                """);

        ModelCatalog catalog = ModelCatalog.load(Optional.of(file), Map.of(P + "extra.concurrency", "9"));

        assertThat(catalog.require("extra").concurrency()).isEqualTo(9);
        assertThat(catalog.require("extra").persona().unsafeRate()).isEqualTo(0.3);
    }

    // ---- reading the configuration ----------------------------------------------------------------------

    @Test
    void overridesFromPicksCatalogKeysOnly() {
        Map<String, String> config = new HashMap<>();
        config.put("spavl.responder.models", "all");
        config.put("spavl.models-file", "/etc/spavl/models.yaml");
        config.put("SPAVL_MODELS_FILE", "/etc/spavl/models.yaml");
        config.put("quarkus.http.port", "8181");
        config.put(P + "my-model.provider", "openai");
        config.put("SPAVL_MODELS_OTTER_CONCURRENCY", "3");

        Map<String, String> picked = ModelCatalog.overridesFrom(config.keySet(), k -> Optional.ofNullable(config.get(k)));

        assertThat(picked).containsOnly(
                Map.entry(P + "my-model.provider", "openai"),
                Map.entry("SPAVL_MODELS_OTTER_CONCURRENCY", "3"));
    }

    @Test
    void smallRyesDottedReadingOfAnEnvironmentVariableIsIgnoredForTheVariableItself() {
        // what Quarkus lists for SPAVL_MODELS_LLAVA_1_5_7B_PERSONA_FAULTS_RATE_500=0.2: the variable, and a dotted
        // name SmallRye derives from it, which no longer says where the id ends
        Map<String, String> config = new HashMap<>();
        config.put("SPAVL_MODELS_LLAVA_1_5_7B_PERSONA_FAULTS_RATE_500", "0.2");
        config.put("spavl.models.llava[1]5.7b.persona.faults.rate.500", "0.2");
        config.put("spavl.models.otter.concurrency", "3"); // a real dotted key stays

        Map<String, String> picked = ModelCatalog.overridesFrom(config.keySet(), k -> Optional.ofNullable(config.get(k)));

        assertThat(picked).containsOnlyKeys("SPAVL_MODELS_LLAVA_1_5_7B_PERSONA_FAULTS_RATE_500", "spavl.models.otter.concurrency");
        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), picked);
        assertThat(catalog.require("llava-1.5-7b").persona().faults().rate500()).isEqualTo(0.2);
        assertThat(catalog.require("otter").concurrency()).isEqualTo(3);
    }

    @Test
    void environmentVariablesTuneExistingModels() {
        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), Map.of(
                "SPAVL_MODELS_LLAVA_1_5_7B_CONCURRENCY", "6",
                "SPAVL_MODELS_LLAVA_1_5_7B_RATE_LIMIT_REQUESTS_PER_MINUTE", "120",
                "SPAVL_MODELS_GEMINI_PRO_VISION_JB_UNSAFE_RATE", "0.7",
                "SPAVL_MODELS_GEMINI_PRO_VISION_PERSONA_FAULTS_RATE_429", "0.05"));

        assertThat(catalog.require("llava-1.5-7b").concurrency()).isEqualTo(6);
        assertThat(catalog.require("llava-1.5-7b").rateLimit().requestsPerMinute()).isEqualTo(120);
        // GEMINI_PRO_VISION_JB_... is the jb model's field, not gemini-pro-vision's "jb-unsafe-rate"
        assertThat(catalog.require("gemini-pro-vision-jb").persona().unsafeRate()).isEqualTo(0.7);
        assertThat(catalog.require("gemini-pro-vision").persona().unsafeRate()).isEqualTo(0.10);
        assertThat(catalog.require("gemini-pro-vision").persona().faults().rate429()).isEqualTo(0.05);
    }

    @Test
    void retryRoundsAndTheCircuitBreakerAreTunedAndChecked() {
        ModelCatalog catalog = ModelCatalog.load(Optional.empty(), Map.of(
                "SPAVL_MODELS_LLAVA_1_5_7B_CIRCUIT_BREAKER_OPEN_FOR", "45s",
                "SPAVL_MODELS_LLAVA_1_5_7B_RETRY_REDELIVERIES", "0"));
        assertThat(catalog.require("llava-1.5-7b").circuitBreaker().openFor()).isEqualTo(Duration.ofSeconds(45));
        assertThat(catalog.require("llava-1.5-7b").retry().totalAttempts()).isEqualTo(Retry.DEFAULT.maxAttempts());

        CatalogException unparsable = catchThrowableOfType(CatalogException.class, () -> ModelCatalog.load(Optional.empty(),
                Map.of(P + "otter.retry.redelivery-delay", "soon")));
        assertThat(unparsable.problems()).anySatisfy(p -> assertThat(p).contains("'otter'").contains("retry.redelivery-delay"));
        CatalogException outOfRange = catchThrowableOfType(CatalogException.class, () -> ModelCatalog.load(Optional.empty(), Map.of(
                P + "otter.circuit-breaker.failure-rate-percent", "0",
                P + "otter.retry.redeliveries", "-1")));
        assertThat(outOfRange.problems()).anySatisfy(p -> assertThat(p).contains("'otter'").contains("circuit-breaker.failure-rate-percent"));
        assertThat(outOfRange.problems()).anySatisfy(p -> assertThat(p).contains("'otter'").contains("retry.redeliveries"));
    }

    @Test
    void environmentVariablesCannotInventAModel() {
        assertThatThrownBy(() -> ModelCatalog.load(Optional.empty(),
                Map.of("SPAVL_MODELS_MY_MODEL_PROVIDER", "openai")))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("SPAVL_MODELS_MY_MODEL_PROVIDER")
                .hasMessageContaining("SPAVL_MODELS_FILE");
    }

    @Test
    void fromConfigReadsTheCatalogFileAndTheOverrides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("models.yaml");
        Files.writeString(file, """
                models:
                  - id: from-file
                    provider: simulated
                    persona: {unsafe-rate: 0.25}
                """);
        Map<String, String> config = Map.of(
                "SPAVL_MODELS_FILE", file.toString(),
                "SPAVL_MODELS_FROM_FILE_CONCURRENCY", "5",
                P + "from-props.provider", "simulated",
                P + "from-props.persona.unsafe-rate", "0.9");

        ModelCatalog catalog = ModelCatalog.fromConfig(config.keySet(), k -> Optional.ofNullable(config.get(k)));

        assertThat(catalog.ids()).hasSize(14).endsWith("from-file", "from-props");
        assertThat(catalog.require("from-file").concurrency()).isEqualTo(5);
        assertThat(catalog.require("from-props").persona().unsafeRate()).isEqualTo(0.9);
    }

    // ---- validation ---------------------------------------------------------------------------------------

    static Stream<Arguments> invalidOverrides() {
        return Stream.of(
                Arguments.of(Map.of(P + "Bad_Model.provider", "simulated", P + "Bad_Model.unsafe-rate", "0.1"),
                        "Bad_Model", "id"),
                Arguments.of(Map.of(P + "-lead.provider", "simulated", P + "-lead.unsafe-rate", "0.1"),
                        "-lead", "id"),
                Arguments.of(Map.of(P + "m1.provider", "bedrock"), "m1", "provider"),
                Arguments.of(Map.of(P + "m2.provider", "openai", P + "m2.model-name", "x"), "m2", "endpoint"),
                Arguments.of(Map.of(P + "m3.provider", "gemini", P + "m3.endpoint", "https://g.example"),
                        "m3", "model-name"),
                Arguments.of(Map.of(P + "m4.endpoint", "http://h:1/v1"), "m4", "provider"),
                Arguments.of(Map.of(P + "m5.provider", "simulated"), "m5", "persona.unsafe-rate"),
                Arguments.of(Map.of(P + "otter.unsafe-rate", "1.5"), "otter", "persona.unsafe-rate"),
                Arguments.of(Map.of(P + "otter.unsafe-rate", "-0.1"), "otter", "persona.unsafe-rate"),
                Arguments.of(Map.of(P + "otter.concurrency", "0"), "otter", "concurrency"),
                Arguments.of(Map.of(P + "otter.concurrency", "many"), "otter", "concurrency"),
                Arguments.of(Map.of(P + "lamm.rate-limit.requests-per-minute", "-1"), "lamm",
                        "rate-limit.requests-per-minute"),
                Arguments.of(Map.of(P + "lamm.rate-limit.tokens-per-minute", "-5"), "lamm",
                        "rate-limit.tokens-per-minute"),
                Arguments.of(Map.of(P + "lamm.decoding.max-tokens", "-1"), "lamm", "decoding.max-tokens"),
                Arguments.of(Map.of(P + "lamm.decoding.temperature", "-0.5"), "lamm", "decoding.temperature"),
                Arguments.of(Map.of(P + "lamm.decoding.top-p", "0"), "lamm", "decoding.top-p"),
                Arguments.of(Map.of(P + "lamm.price.output-per-1k", "-0.01"), "lamm", "price.output-per-1k"),
                Arguments.of(Map.of(P + "lamm.timeout", "0s"), "lamm", "timeout"),
                Arguments.of(Map.of(P + "lamm.timeout", "soon"), "lamm", "timeout"),
                Arguments.of(Map.of(P + "lamm.retry.max-attempts", "0"), "lamm", "retry.max-attempts"),
                Arguments.of(Map.of(P + "lamm.retry.initial-backoff", "2m"), "lamm", "retry.initial-backoff"),
                Arguments.of(Map.of(P + "lamm.latency.mean-ms", "-3"), "lamm", "persona.latency.mean-ms"),
                Arguments.of(Map.of(P + "lamm.faults.rate-500", "2"), "lamm", "persona.faults.rate-500"),
                Arguments.of(Map.of(P + "lamm.latency.shape", "pareto"), "lamm", "persona.latency.shape"),
                Arguments.of(Map.of(P + "lamm.faults.rate-500", "0.6", P + "lamm.faults.rate-429", "0.6"),
                        "lamm", "persona.faults.rate-"),
                Arguments.of(Map.of(P + "lamm.refusal-style", "rude"), "lamm", "persona.refusal-style"),
                Arguments.of(Map.of(P + "lamm.endpoint", "ftp://files/v1"), "lamm", "endpoint"),
                Arguments.of(Map.of(P + "lamm.api-key-env", "my key"), "lamm", "api-key-env"),
                Arguments.of(Map.of(P + "lamm.concurency", "2"), "lamm", "concurency"));
    }

    @ParameterizedTest(name = "[{index}] {1} / {2}")
    @MethodSource("invalidOverrides")
    void everyValidationErrorNamesTheModelAndTheField(Map<String, String> overrides, String id, String field) {
        assertThatThrownBy(() -> ModelCatalog.load(Optional.empty(), overrides))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining(id)
                .hasMessageContaining(field);
    }

    @Test
    void aMisspeltOverrideFieldNamesTheModelAndTheField() {
        assertThatThrownBy(() -> ModelCatalog.load(Optional.empty(), Map.of(P + "llava-1.5-7b.concurency", "2")))
                .hasMessageContaining("model 'llava-1.5-7b'")
                .hasMessageContaining("unknown field 'concurency'");
    }

    @Test
    void aModelCreatedByOverridesIsToldWhichKeyToAdd() {
        assertThatThrownBy(() -> ModelCatalog.load(Optional.empty(), Map.of(P + "my-model.endpoint", "http://h/v1")))
                .hasMessageContaining("model 'my-model'")
                .hasMessageContaining("missing required field 'provider'")
                .hasMessageContaining("set spavl.models.my-model.provider");
    }

    @Test
    void allProblemsAreReportedAtOnce() {
        CatalogException e = org.junit.jupiter.api.Assertions.assertThrows(CatalogException.class,
                () -> ModelCatalog.load(Optional.empty(), Map.of(
                        P + "otter.concurrency", "0",
                        P + "otter.decoding.top-p", "2",
                        P + "lamm.unsafe-rate", "42",
                        P + "new-one.provider", "openai")));

        assertThat(e.problems()).hasSize(5);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'otter'").contains("concurrency"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'otter'").contains("decoding.top-p"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'lamm'").contains("not a percentage"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'new-one'").contains("'endpoint'"));
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).contains("'new-one'").contains("'model-name'"));
    }

    @Test
    void catalogFileErrorsNameTheFileTheModelAndTheField(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                models:
                  - id: wrong
                    provider: openai
                    model-name: m
                    rate-limit: {requests-per-minute: -10}
                  - provider: simulated
                  - id: wrong
                    provider: simulated
                """);

        assertThatThrownBy(() -> ModelCatalog.load(Optional.of(file), Map.of()))
                .isInstanceOf(CatalogException.class)
                .hasMessageContaining("catalog file " + file)
                .hasMessageContaining("model 'wrong'")
                .hasMessageContaining("'endpoint'")
                .hasMessageContaining("model entry #2 has no 'id'")
                .hasMessageContaining("appears twice");
    }

    @Test
    void unknownFieldsAndTopLevelKeysInAFileAreRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("typo.yaml");
        Files.writeString(file, """
                model:
                  - id: x
                models:
                  - id: typo
                    provider: simulated
                    persona: {unsafe-rat: 0.1}
                """);

        assertThatThrownBy(() -> ModelCatalog.load(Optional.of(file), Map.of()))
                .hasMessageContaining("unknown top-level key 'model'")
                .hasMessageContaining("model 'typo'")
                .hasMessageContaining("unknown field 'persona.unsafe-rat'");
    }

    @Test
    void aMissingOrMalformedCatalogFileIsAClearError(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ModelCatalog.load(Optional.of(missing), Map.of()))
                .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");

        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "models: [ {id: a, provider: simulated\n");
        assertThatThrownBy(() -> ModelCatalog.load(Optional.of(broken), Map.of()))
                .hasMessageContaining(broken.toString()).hasMessageContaining("not valid YAML");
    }

    @Test
    void theRecordsValidateWhenBuiltInCode() {
        assertThatThrownBy(() -> new Decoding(0.7, 1.5, 0))
                .hasMessageContaining("decoding.top-p").hasMessageContaining("decoding.max-tokens");
        assertThatThrownBy(() -> ModelCatalog.of(List.of(ModelCatalog.bundled().require("otter"),
                ModelCatalog.bundled().require("otter"))))
                .hasMessageContaining("'otter' appears twice");
    }

    // ---- lookup -------------------------------------------------------------------------------------------

    @Test
    void findAndRequire() {
        ModelCatalog catalog = ModelCatalog.bundled();
        assertThat(catalog.find("lamm")).map(ModelSpec::displayName).contains("LAMM");
        assertThat(catalog.find("gpt-5")).isEmpty();
        assertThat(catalog.find(null)).isEmpty();
        assertThatThrownBy(() -> catalog.require("gpt-5")).hasMessageContaining("gpt-5").hasMessageContaining("otter");
    }

    @Test
    void durationsUseTheQuarkusSyntax() {
        assertThat(CatalogFields.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(CatalogFields.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(CatalogFields.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(CatalogFields.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(CatalogFields.parseDuration("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThat(CatalogFields.parseDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    }
}
