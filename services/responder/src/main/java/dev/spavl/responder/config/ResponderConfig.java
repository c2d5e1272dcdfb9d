package dev.spavl.responder.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Responder settings; env SPAVL_RESPONDER_MODELS, SPAVL_RESPONDER_PROVIDER, ... */
@ConfigMapping(prefix = "spavl.responder")
public interface ResponderConfig {

    /** Lanes this process hosts: one model id, a comma-separated list, or "all" (every model of the catalog). */
    @WithDefault("all")
    String models();

    /** Time between two heartbeats of a lane. */
    @WithDefault("30s")
    Duration heartbeatInterval();

    /** Instance name announced in heartbeats; defaults to the host name (the pod name on Kubernetes). */
    Optional<String> instance();
}
