package dev.spavl.responder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Responder settings; env SPAVL_RESPONDER_MODELS, SPAVL_RESPONDER_PROVIDER, ... */
@ConfigMapping(prefix = "spavl.responder")
public interface ResponderConfig {

    /** Lanes this process hosts: one model id, a comma-separated list, or "all" (the default catalog). */
    @WithDefault("all")
    String models();

    /** Provider kind announced for the lanes until the model catalog (responder issue) names one per model. */
    @WithDefault("simulated")
    String provider();

    /** Maximum concurrent model calls per lane. */
    @WithDefault("4")
    int concurrency();

    /** Time between two heartbeats of a lane. */
    @WithDefault("30s")
    Duration heartbeatInterval();

    /** Instance name announced in heartbeats; defaults to the host name (the pod name on Kubernetes). */
    Optional<String> instance();
}
