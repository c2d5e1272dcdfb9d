package dev.spavl.generator.intake;

import java.util.Objects;

/** What {@link ImageInspector#inspect(byte[])} found: the image is either accepted or rejected with one reason. */
public sealed interface Inspection permits Inspection.Accepted, Inspection.Rejected {

    /**
     * The bytes are a fully decodable image within the limits.
     *
     * @param mime      {@code image/jpeg}, {@code image/png} or {@code image/webp}, from the bytes (never a file name)
     * @param format    {@code jpeg}, {@code png} or {@code webp}
     * @param width     in pixels
     * @param height    in pixels
     * @param sha256    lower-case hex SHA-256 of the exact bytes inspected
     * @param sizeBytes number of bytes inspected
     */
    record Accepted(String mime, String format, int width, int height, String sha256, long sizeBytes)
            implements Inspection {
        public Accepted {
            Objects.requireNonNull(mime, "mime");
            Objects.requireNonNull(format, "format");
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * The bytes were refused.
     *
     * @param reason why, one of the image reasons of {@link RejectionReason}
     * @param detail human-readable specifics (what format was seen, the announced dimensions, the decoder's error)
     */
    record Rejected(RejectionReason reason, String detail) implements Inspection {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
