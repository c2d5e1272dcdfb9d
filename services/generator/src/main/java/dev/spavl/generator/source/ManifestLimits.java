package dev.spavl.generator.source;

/**
 * How much one manifest may carry (config {@code spavl.generator.manifest.*}). Every field of a row ends up in
 * PostgreSQL and in the run's Kafka events, so a row is bounded before anything is stored or published: a 10 MiB
 * caption is an INVALID_ROW at intake, not a RecordTooLargeException at publish time. The line and file bounds keep
 * the reader itself from holding an unbounded line in memory.
 *
 * @param maxCaptionLength     characters of {@code caption}
 * @param maxDescriptionLength characters of {@code description}
 * @param maxUrlLength         characters of {@code url}
 * @param maxPathLength        characters of {@code path}
 * @param maxClassLength       characters of each of {@code class1}, {@code class2}, {@code class3}
 * @param maxRowBytes          UTF-8 bytes of all a row's fields together; at most {@link #MAX_ROW_BYTES_CEILING}, well
 *                             below Kafka's default record limit of 1 MiB (max.request.size), which must also hold the
 *                             written prompts and the ids
 * @param maxLineBytes         bytes of one manifest line (a CSV record spanning lines: of all its lines)
 * @param maxFileBytes         bytes of the manifest file
 * @param maxRows              rows of one manifest (or images of one folder tree); a larger input fails the run
 */
public record ManifestLimits(int maxCaptionLength, int maxDescriptionLength, int maxUrlLength, int maxPathLength,
                             int maxClassLength, int maxRowBytes, int maxLineBytes, long maxFileBytes, int maxRows) {

    public static final String PREFIX = "spavl.generator.manifest.";
    /** Half of Kafka's default max.request.size: the rest is for the prompts, ids and the envelope. */
    public static final int MAX_ROW_BYTES_CEILING = 512 * 1024;
    /** A split is one of a few short keys; anything longer is not one of them. */
    static final int MAX_SPLIT_LENGTH = 32;

    public ManifestLimits {
        positive("max-caption-length", maxCaptionLength);
        positive("max-description-length", maxDescriptionLength);
        positive("max-url-length", maxUrlLength);
        positive("max-path-length", maxPathLength);
        positive("max-class-length", maxClassLength);
        positive("max-row-bytes", maxRowBytes);
        positive("max-line-bytes", maxLineBytes);
        positive("max-file-bytes", maxFileBytes);
        positive("max-rows", maxRows);
        if (maxRowBytes > MAX_ROW_BYTES_CEILING) {
            throw new IllegalArgumentException(PREFIX + "max-row-bytes is " + maxRowBytes + "; at most "
                    + MAX_ROW_BYTES_CEILING + " so a row's events stay well below Kafka's 1 MiB record limit");
        }
    }

    /** The documented defaults (application.properties, services/generator/README.md). */
    public static ManifestLimits defaults() {
        return new ManifestLimits(2000, 4000, 2048, 4096, 256, 32 * 1024, 64 * 1024, 256L * 1024 * 1024, 100_000);
    }

    /**
     * Why a manifest field's value is too long or cannot be stored (a NUL character), or null. Fields other than the bounded ones are unknown columns
     * and refused elsewhere; image_name has its own bounds ({@link ImageNames}).
     */
    String fieldProblem(String field, String value) {
        if (value == null) {
            return null;
        }
        if (value.indexOf('\u0000') >= 0) {
            // PostgreSQL's text cannot hold it: stored with the run's other rows, it would fail them all, every round
            return field + " contains a NUL character (U+0000), which cannot be stored";
        }
        int max;
        String key;
        switch (field) {
            case "caption" -> { max = maxCaptionLength; key = PREFIX + "max-caption-length"; }
            case "description" -> { max = maxDescriptionLength; key = PREFIX + "max-description-length"; }
            case "url" -> { max = maxUrlLength; key = PREFIX + "max-url-length"; }
            case "path" -> { max = maxPathLength; key = PREFIX + "max-path-length"; }
            case "class1", "class2", "class3" -> { max = maxClassLength; key = PREFIX + "max-class-length"; }
            case "split" -> { max = MAX_SPLIT_LENGTH; key = "fixed: the split keys are short"; }
            case "image_name", "name" -> { max = ImageNames.MAX_LENGTH; key = "fixed: ImageNames"; }
            default -> { return null; }
        }
        if (value.length() <= max) {
            return null; // UTF-16 units >= code points: the exact count only matters near the limit
        }
        int length = value.codePointCount(0, value.length());
        return length <= max ? null
                : field + " is " + length + " characters long; at most " + max + " (" + key + ")";
    }

    /** Why a row's fields together are too large, or null. */
    String rowProblem(long rowBytes) {
        return rowBytes <= maxRowBytes ? null : "the row's fields add up to " + rowBytes + " bytes; at most " + maxRowBytes
                + " (" + PREFIX + "max-row-bytes)";
    }

    String tooManyRows() {
        return "the input has more than " + maxRows + " rows; at most " + maxRows + " (" + PREFIX
                + "max-rows): split it into several runs";
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(PREFIX + key + " must be positive: " + value);
        }
    }
}
