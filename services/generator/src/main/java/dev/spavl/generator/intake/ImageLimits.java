package dev.spavl.generator.intake;

/**
 * Bounds every input image must respect before a run stores it.
 *
 * @param maxBytes  largest accepted file, in bytes
 * @param maxPixels largest accepted width x height, as announced by the header
 * @param minWidth  smallest accepted width, in pixels
 * @param minHeight smallest accepted height, in pixels
 * @param maxDecodedBytes largest accepted decoded image, in bytes: width x height x bands x bytes per sample, as the
 *                  reader announces them from the header. Pixels alone do not bound memory: a 16-bit RGBA PNG takes
 *                  8 bytes a pixel, twice the 4 of 8-bit RGBA the pixel cap was sized for.
 */
public record ImageLimits(long maxBytes, long maxPixels, int minWidth, int minHeight, long maxDecodedBytes) {

    /** 20 MiB: far above any photo SPA-VL keeps, yet small enough to hold and hash in memory. */
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;
    /**
     * 40 megapixels (e.g. 8000 x 5000). The cap exists because a few KiB of PNG/JPEG/WebP can announce
     * billions of pixels (a decompression bomb): it is checked on the header, before anything is decoded.
     */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;
    /** SPA-VL filtered out low-resolution images: below 64 px a side a vision model can hardly see the content. */
    public static final int DEFAULT_MIN_WIDTH = 64;
    public static final int DEFAULT_MIN_HEIGHT = 64;
    /** 160 MB: the default pixel cap at 4 bytes a pixel (8-bit RGBA), what a full decode was already sized for. */
    public static final long DEFAULT_MAX_DECODED_BYTES = 160_000_000L;

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
        }
        if (maxDecodedBytes <= 0) {
            throw new IllegalArgumentException("maxDecodedBytes must be positive: " + maxDecodedBytes);
        }
        if (minWidth < 1 || minHeight < 1) {
            throw new IllegalArgumentException("minWidth and minHeight must be at least 1: " + minWidth + "x" + minHeight);
        }
        // otherwise no image could ever pass
        if ((long) minWidth * minHeight > maxPixels) {
            throw new IllegalArgumentException(
                    "minimum " + minWidth + "x" + minHeight + " already exceeds maxPixels " + maxPixels);
        }
    }

    /** Limits whose decoded-bytes budget is {@code maxPixels} at 4 bytes a pixel (8-bit RGBA). */
    public ImageLimits(long maxBytes, long maxPixels, int minWidth, int minHeight) {
        this(maxBytes, maxPixels, minWidth, minHeight, maxPixels > Long.MAX_VALUE / 4 ? Long.MAX_VALUE : maxPixels * 4);
    }

    /** 20 MiB, 40 000 000 pixels, at least 64 x 64, 160 000 000 decoded bytes. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_WIDTH, DEFAULT_MIN_HEIGHT,
                DEFAULT_MAX_DECODED_BYTES);
    }
}
