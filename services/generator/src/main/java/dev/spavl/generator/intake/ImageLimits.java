package dev.spavl.generator.intake;

/**
 * Bounds every input image must respect before a run stores it.
 *
 * @param maxBytes  largest accepted file, in bytes
 * @param maxPixels largest accepted width x height, as announced by the header
 * @param minWidth  smallest accepted width, in pixels
 * @param minHeight smallest accepted height, in pixels
 */
public record ImageLimits(long maxBytes, long maxPixels, int minWidth, int minHeight) {

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

    public ImageLimits {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive: " + maxPixels);
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

    /** 20 MiB, 40 000 000 pixels, at least 64 x 64. */
    public static ImageLimits defaults() {
        return new ImageLimits(DEFAULT_MAX_BYTES, DEFAULT_MAX_PIXELS, DEFAULT_MIN_WIDTH, DEFAULT_MIN_HEIGHT);
    }
}
