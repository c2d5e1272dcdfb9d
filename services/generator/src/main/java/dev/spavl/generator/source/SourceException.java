package dev.spavl.generator.source;

/** The run's input as a whole cannot be read: the run fails with this message. */
public class SourceException extends RuntimeException {

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
