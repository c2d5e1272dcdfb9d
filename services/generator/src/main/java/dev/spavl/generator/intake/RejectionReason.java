package dev.spavl.generator.intake;

/** Why an input row (an image) was not taken into a run; each rejection names one. */
public enum RejectionReason {
    /** The row itself is malformed: missing path/url, bad JSON or CSV, unknown columns. */
    INVALID_ROW,
    /** class1/class2/class3 is not a leaf of the active taxonomy. */
    UNKNOWN_CLASS_PATH,
    /** A local path outside every configured input root (or escaping it with .. or links). */
    PATH_OUTSIDE_INPUT_ROOTS,
    /** The local file does not exist or cannot be read. */
    FILE_UNREADABLE,
    /** A URL that is not http/https, or points at a loopback, private or link-local address. */
    URL_NOT_ALLOWED,
    /** The URL could not be fetched (timeout, HTTP error, connection refused). */
    FETCH_FAILED,
    /** More bytes than the configured maximum file size. */
    TOO_LARGE,
    /** Not a JPEG, PNG or WebP image. */
    UNSUPPORTED_FORMAT,
    /** The header announces more pixels than the configured maximum (decompression bomb). */
    DECOMPRESSION_BOMB,
    /** The bytes do not decode as the image they claim to be. */
    CORRUPT,
    /** Smaller than the configured minimum width or height. */
    TOO_SMALL,
    /** The prompt writer (a model) failed for this image in every allowed round. */
    PROMPT_WRITING_FAILED,
    /** PostgreSQL refused the image's rows on their own (such as a NUL character in a model-written prompt) in every allowed round. */
    STORE_FAILED
}
