package dev.spavl.packager.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The operations console at {@code /console/} ({@code spavl.console.*}; env {@code SPAVL_CONSOLE_REPLAY_TOKEN} and so on). */
@ConfigMapping(prefix = "spavl.console")
public interface ConsoleConfig {

    /**
     * The bearer token a dead-letter replay must carry ({@code Authorization: Bearer <token>}). Unset (the default):
     * replay is disabled and answers 503; everything else in the console is read-only and open. At least
     * {@link ReplayToken#MIN_LENGTH} characters; a shorter one disables replay too (logged at start).
     */
    Optional<String> replayToken();

    /** Bytes of a dead-letter key or value shown as hex and base64 (the full size is always shown). */
    @WithDefault("256")
    int previewBytes();

    /** Decode dead-letter values in the registry's wire format for display (through the schema registry). */
    @WithDefault("true")
    boolean decodeAvro();

    /** How long one read of a dead-letter topic may wait for the broker. */
    @WithDefault("5s")
    Duration readTimeout();
}
