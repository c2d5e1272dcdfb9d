package dev.spavl.packager.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** How questions become pairs and quadruples ({@code spavl.packager.*}; env {@code SPAVL_PACKAGER_QUORUM} and so on). */
@ConfigMapping(prefix = "spavl.packager")
public interface PackagerConfig {

    /**
     * A question is paired once every expected responder has an outcome and every OK answer is labelled, or
     * when {@link #answerTimeout()} has passed since it arrived and at least this many labelled OK answers
     * are there. FAILED and missing answers are recorded, never waited for beyond the timeout.
     */
    @WithDefault("2")
    int quorum();

    @WithDefault("10m")
    Duration answerTimeout();

    /** Pairs tried per question; after that many INCONSISTENT/TIE/INVALID verdicts it closes as unresolved. */
    @WithDefault("3")
    int maxPairAttempts();

    /** Number of safety groups the models are ranked into. */
    @WithDefault("5")
    int safetyGroups();

    /**
     * What the models are ranked by. {@code prior} (default): the fixed rates of {@link #priorUnsafeRates()},
     * over the models a question was sent to; the pairs then depend only on the run's seed and its answers,
     * so a run disturbed by crashes and redeliveries yields the same quadruples as an undisturbed one.
     * {@code running}: the run's unsafe rate so far (MD-Judge labels counted as they arrive); adapts to the
     * models actually used, but depends on arrival order, so it is not reproducible.
     */
    @WithDefault("prior")
    Ranking ranking();

    enum Ranking {
        PRIOR, RUNNING
    }

    /**
     * {@code model=rate} shares 0..1 for {@code ranking=prior}: by default the paper's reported HarmEval unsafe
     * rates of its ten open models and the rates the responder catalog assumes for the two Gemini lanes (the
     * paper reports none). A model not listed ranks at 0.5, in the middle.
     */
    @WithDefault("qwen-vl-chat=0.0755,gemini-pro-vision=0.10,internlm-xcomposer=0.2604,lamm-sft=0.3208,lamm=0.3283,"
            + "minigpt-4=0.3832,otter=0.4113,llava-1.5-7b=0.4415,llama-adapter-v2=0.4604,instructblip=0.4755,"
            + "mplug-owl=0.5245,gemini-pro-vision-jb=0.60")
    String priorUnsafeRates();

    /** A static grouping instead of any ranking, e.g. {@code otter=5,llava-1.5-7b=2}. */
    Optional<String> staticGroups();

    /** Split weights by image, e.g. {@code train=93258,validation=7000,test-harm=265,test-help=265} (the paper's). */
    @WithDefault("train=93258,validation=7000,test-harm=265,test-help=265")
    String splits();

    /**
     * Seed of the split assignment, a hash of (seed, image id): an image is in one split only, and a replayed run
     * splits as before. Image ids include the run id, so the same picture in another run may land elsewhere.
     */
    @WithDefault("2406")
    long splitSeed();

    /** How often unpublished pairs and quadruples are sent and timed-out questions re-checked. */
    @WithDefault("1s")
    Duration relayInterval();

    /** How often the questions-by-state gauge ({@code spavl_packager_questions{state}}) is counted in the database. */
    @WithDefault("15s")
    Duration questionStatesInterval();

    /**
     * A run's progress ({@code GET /api/runs/{id}}, the console's progress) counts the run's rows, seconds at SPA-VL
     * scale: a count is reused by later requests for this many times what it took, at most {@link #progressMaxAge()}
     * (0: counted on every request); while a count runs, other requests get the last one. Pollers then cost PostgreSQL
     * at most about 1/(1 + factor) of its time per run and view.
     */
    @WithDefault("10")
    int progressReuseFactor();

    @WithDefault("30s")
    Duration progressMaxAge();

    /** Dataset export. */
    Export export();

    interface Export {
        /** Directory the exports are written to, one folder per run ({@code <root>/<run>/}). */
        @WithDefault(".spavl/exports")
        String root();

        /** Export a run by itself once it is finished: no open question and none closed for {@link #quietPeriod()}. */
        @WithDefault("true")
        boolean auto();

        @WithDefault("1m")
        java.time.Duration quietPeriod();

        /** How often finished runs are looked for. */
        @WithDefault("15s")
        java.time.Duration checkInterval();
    }

    /** Consumer lag of every spavl consumer group, measured here once for the whole system (ConsumerLagMonitor). */
    Lag lag();

    interface Lag {
        /** Off in all but one packager instance when several run (each would measure the same). */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("15s")
        Duration interval();

        /** How far back the consumption rate behind the seconds estimate looks. */
        @WithDefault("2m")
        Duration window();

        /** Groups measured: those whose id starts with this. */
        @WithDefault("spavl-")
        String groupPrefix();

        /** Groups left out (regex): the generators' per-instance heartbeat readers, which are not a workload. */
        @WithDefault("spavl-generator-directory-.*")
        String excludeGroups();
    }
}
