package dev.spavl.generator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Generator settings (prefix spavl.generator; env SPAVL_GENERATOR_...). Defaults are the documented ones. */
@ConfigMapping(prefix = "spavl.generator")
public interface GeneratorConfig {

    /** Folders local input may come from (comma-separated); relative sources resolve against the first. */
    @WithDefault("input")
    List<String> inputRoots();

    /** Allow image URLs that resolve to loopback, private or link-local addresses (off: no SSRF). */
    @WithDefault("false")
    boolean allowPrivateUrls();

    /** Connect and read timeout of an image download. */
    @WithDefault("10s")
    Duration urlTimeout();

    /**
     * How long a run with images to hand out may wait, without a break, for a live responder among its targets (any
     * live responder when it names none) before it is FAILED with the missing targets; measured from when it started
     * waiting, across generator restarts.
     */
    @WithDefault("5m")
    Duration targetsTimeout();

    Images images();

    Manifest manifest();

    Taxonomy taxonomy();

    Worker worker();

    Writer writer();

    interface Images {
        /** Largest accepted image file, in bytes. */
        @WithDefault("20971520")
        long maxBytes();

        /** Largest width x height read from the header before decoding (decompression bombs). */
        @WithDefault("40000000")
        long maxPixels();

        /** SPA-VL filtered low-resolution images. */
        @WithDefault("64")
        int minWidth();

        @WithDefault("64")
        int minHeight();

        /**
         * Largest decoded image, in bytes (width x height x bands x bytes per sample, from the header): a 16-bit
         * PNG under max-pixels can still need several times the memory of an 8-bit one.
         */
        @WithDefault("160000000")
        long maxDecodedBytes();
    }

    /** Bounds of a run's input, checked before anything is stored or published (ManifestLimits says why). */
    interface Manifest {
        @WithDefault("2000")
        int maxCaptionLength();

        @WithDefault("4000")
        int maxDescriptionLength();

        @WithDefault("2048")
        int maxUrlLength();

        @WithDefault("4096")
        int maxPathLength();

        /** Of each of class1, class2, class3. */
        @WithDefault("256")
        int maxClassLength();

        /** UTF-8 bytes of all a row's fields together; at most 524288 (half of Kafka's 1 MiB record limit). */
        @WithDefault("32768")
        int maxRowBytes();

        /** Bytes of one manifest line (a CSV record spanning lines: all of them). */
        @WithDefault("65536")
        int maxLineBytes();

        @WithDefault("268435456")
        long maxFileBytes();

        /** Rows of one manifest or images of one folder tree: a larger input fails the run. */
        @WithDefault("100000")
        int maxRows();
    }

    interface Taxonomy {
        /** A taxonomy TSV replacing the bundled SPA-VL one (class1, class2, class3, provenance). */
        Optional<String> path();

        /** Search keywords TSV for a replaced taxonomy (class1..3 + six keywords). */
        Optional<String> keywordsPath();
    }

    interface Worker {
        /**
         * How soon an idle or waiting worker looks again for runs with work to do. A worker with work does not wait
         * for it: its rounds follow each other while they move a run on.
         */
        @WithDefault("250ms")
        Duration poll();

        /**
         * A row whose prompts or publishing failed waits at least this long before its next attempt, however fast the
         * worker's rounds follow each other (a short outage of a model or the broker does not use up its attempts).
         */
        @WithDefault("1s")
        Duration retryDelay();

        /** Images of a run processed per worker round. */
        @WithDefault("16")
        int batchSize();

        /** Images fetched, checked, stored and written in parallel. */
        @WithDefault("4")
        int concurrency();

        /** Rounds an image may fail in prompt writing before it is rejected (each round retries the model calls). */
        @WithDefault("3")
        int maxItemAttempts();

        /**
         * Rounds in which publishing an image's events may fail for a reason that can pass (a timeout, the broker or
         * the registry out of reach, each attempt after the Kafka connector's own retries) before the image is
         * rejected with the last error; a failure that cannot pass (a record too large, one that cannot be
         * serialized, a schema the registry refuses) rejects it at once (PublishFailure).
         */
        @WithDefault("10")
        int maxPublishAttempts();

        /** Backpressure: stop dispatching a run's questions while this many requests await a response. */
        @WithDefault("2000")
        int maxOutstandingRequests();
    }

    interface Writer {
        /** template (offline, simulated), openai, gemini or anthropic. */
        @WithDefault("template")
        String provider();

        /** Base URL of the model API (e.g. http://127.0.0.1:11434/v1 for Ollama). */
        Optional<String> baseUrl();

        /** Vision model for the description and the easy question. */
        Optional<String> visionModel();

        /** Text model for the hard question and the hard statement; defaults to the vision model. */
        Optional<String> textModel();

        /** Name of the environment variable holding the API key (never the key itself). */
        Optional<String> apiKeyEnv();

        @WithDefault("60s")
        Duration timeout();

        /** Attempts per model call on retryable errors (429, 5xx, timeouts), with exponential backoff. */
        @WithDefault("4")
        int maxAttempts();
    }
}
