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

    /**
     * Unset (default): a stopping process announces its lanes DRAINING, and the generator stops sending them
     * work. Set (e.g. 30d): it announces them ACTIVE with this interval instead, so they stay live for the
     * generator (for three such intervals) while no process hosts them and their requests wait on their
     * topics. For autoscaled lanes (KEDA on Kubernetes): a lane scaled to zero keeps receiving the work that
     * scales it up again, and a replica removed by a scale-down does not mark a lane DRAINING that other
     * replicas still serve.
     */
    Optional<Duration> standbyInterval();
}
