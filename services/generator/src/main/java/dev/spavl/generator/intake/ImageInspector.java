package dev.spavl.generator.intake;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Decides whether input bytes are an image a run may store: a JPEG, PNG or WebP within {@link ImageLimits}.
 *
 * <p>Checks run cheapest first, and no pixel is decoded before the header has been vetted:
 * <ol>
 *   <li>size &gt; {@code maxBytes} &rarr; {@link RejectionReason#TOO_LARGE}</li>
 *   <li>magic bytes are not JPEG, PNG or WebP &rarr; {@link RejectionReason#UNSUPPORTED_FORMAT}
 *       (the format always comes from the bytes, never from a file name)</li>
 *   <li>width and height unreadable from the header &rarr; {@link RejectionReason#CORRUPT}</li>
 *   <li>width x height &gt; {@code maxPixels}, or width x height x bands x bytes per sample (the decoded size, from
 *       the reader's image types) &gt; {@code maxDecodedBytes} &rarr; {@link RejectionReason#DECOMPRESSION_BOMB}</li>
 *   <li>width or height below the minimum &rarr; {@link RejectionReason#TOO_SMALL}</li>
 *   <li>a full decode fails, the decoder reports missing or damaged data, or the container is cut short
 *       (PNG without IEND or with a bad critical-chunk CRC, WebP shorter than its RIFF size)
 *       &rarr; {@link RejectionReason#CORRUPT}</li>
 * </ol>
 *
 * <p>Thread-safe: an instance holds only its immutable limits; every call uses its own reader, stream and digest.
 * A full decode holds up to {@code maxDecodedBytes} in memory (160 MB by default), so callers
 * bound how many inspections run at once.
 *
 * <p>WebP needs {@code com.twelvemonkeys.imageio:imageio-webp} on the class path; construction fails without it.
 */
public final class ImageInspector {

    /** The accepted formats, with their magic bytes. */
    private enum Format {
        JPEG("jpeg", "image/jpeg"),
        PNG("png", "image/png"),
        WEBP("webp", "image/webp");

        final String formatName;
        final String mime;

        Format(String formatName, String mime) {
            this.formatName = formatName;
            this.mime = mime;
        }
    }

    private static final byte[] JPEG_MAGIC = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] RIFF = {'R', 'I', 'F', 'F'};
    private static final byte[] WEBP = {'W', 'E', 'B', 'P'};

    /**
     * Decoder warnings that leave every pixel intact (lower case, matched as substrings). Web JPEGs often carry
     * them, so they do not make an image corrupt. Any other warning (e.g. libjpeg's "Premature end of JPEG file",
     * "Corrupt JPEG data: premature end of data segment", "bad Huffman code") means the decoder filled in
     * missing or damaged data, so the image is rejected as CORRUPT.
     */
    private static final List<String> HARMLESS_WARNINGS = List.of(
            "extraneous bytes before marker", // garbage between segments, skipped by libjpeg
            "color profile is invalid", // the ICC profile is ignored, pixels decode as sRGB
            "jfif markers not allowed in jfif jpeg thumbnail",
            "unknown jfif revision",
            "no embedded icc color profile"); // TwelveMonkeys' JPEG reader, if present: CMYK colours approximated

    private static final HexFormat HEX = HexFormat.of();

    static {
        // TwelveMonkeys registers its WebP reader through ServiceLoader, but ImageIO scans only once, at first use,
        // and only the thread's context class loader. Scan again, and fall back to this class's own loader
        // (Quarkus gives application classes a loader of their own).
        ImageIO.scanForPlugins();
        if (!ImageIO.getImageReadersByFormatName(Format.WEBP.formatName).hasNext()) {
            registerReadersFrom(ImageInspector.class.getClassLoader());
        }
    }

    private final ImageLimits limits;

    /** An inspector with {@link ImageLimits#defaults()}. */
    public ImageInspector() {
        this(ImageLimits.defaults());
    }

    /**
     * @throws IllegalStateException if ImageIO has no reader for one of the formats (the WebP plugin is missing)
     */
    public ImageInspector(ImageLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        for (Format format : Format.values()) {
            if (!ImageIO.getImageReadersByFormatName(format.formatName).hasNext()) {
                throw new IllegalStateException("No ImageIO reader for " + format.formatName
                        + (format == Format.WEBP ? ": add com.twelvemonkeys.imageio:imageio-webp to the class path" : ""));
            }
        }
    }

    public ImageLimits limits() {
        return limits;
    }

    /**
     * Inspects one image. Never throws for bad input: every problem with the bytes is a {@link Inspection.Rejected}.
     *
     * @param bytes the whole file, exactly as it will be stored
     * @throws NullPointerException if {@code bytes} is null
     */
    public Inspection inspect(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");

        if (bytes.length > limits.maxBytes()) {
            return reject(RejectionReason.TOO_LARGE,
                    bytes.length + " bytes exceed the limit of " + limits.maxBytes() + " bytes");
        }

        Format format = sniff(bytes);
        if (format == null) {
            return reject(RejectionReason.UNSUPPORTED_FORMAT,
                    describeUnsupported(bytes) + "; only JPEG, PNG and WebP are accepted");
        }

        ImageReader reader = newReader(format);
        ByteArrayImageInputStream input = new ByteArrayImageInputStream(bytes);
        try {
            return inspect(bytes, format, reader, input);
        } finally {
            reader.dispose();
            try {
                input.close();
            } catch (IOException ignored) {
                // an in-memory stream has nothing to release
            }
        }
    }

    private Inspection inspect(byte[] bytes, Format format, ImageReader reader, ByteArrayImageInputStream input) {
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        // seekForwardOnly: only image 0 is ever read; ignoreMetadata: skip text/ICC chunks we never use
        // (compressed PNG text chunks are themselves a bomb vector)
        reader.setInput(input, true, true);

        int width;
        int height;
        try {
            // Readers take these from the header (IHDR, SOFn, VP8/VP8L/VP8X) without decoding pixel data.
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            return reject(RejectionReason.CORRUPT, "unreadable " + format.formatName + " header: " + describe(e));
        }
        if (width <= 0 || height <= 0) {
            return reject(RejectionReason.CORRUPT,
                    format.formatName + " header announces " + width + "x" + height + " pixels");
        }

        long pixels = (long) width * height;
        if (pixels > limits.maxPixels()) {
            return reject(RejectionReason.DECOMPRESSION_BOMB, format.formatName + " header announces " + width + "x"
                    + height + " = " + pixels + " pixels, over the limit of " + limits.maxPixels());
        }
        // what the decode will allocate, before it does: 16-bit samples or extra bands multiply the pixels
        long decodedBytes;
        try {
            decodedBytes = decodedBytes(reader, width, height);
        } catch (IOException | RuntimeException e) {
            return reject(RejectionReason.CORRUPT, "unreadable " + format.formatName + " header: " + describe(e));
        }
        if (decodedBytes > limits.maxDecodedBytes()) {
            return reject(RejectionReason.DECOMPRESSION_BOMB, format.formatName + " header announces " + width + "x"
                    + height + " pixels of " + decodedBytes / pixels + " bytes = " + decodedBytes
                    + " bytes decoded, over the limit of " + limits.maxDecodedBytes());
        }
        if (width < limits.minWidth() || height < limits.minHeight()) {
            return reject(RejectionReason.TOO_SMALL, width + "x" + height + " is below the minimum of "
                    + limits.minWidth() + "x" + limits.minHeight());
        }

        // Decode every pixel (no subsampling): only a complete decode proves the bytes are an image.
        BufferedImage image;
        try {
            ImageReadParam param = reader.getDefaultReadParam();
            image = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            return reject(RejectionReason.CORRUPT, format.formatName + " data does not decode: " + describe(e));
        }
        if (image == null) {
            return reject(RejectionReason.CORRUPT, format.formatName + " decoder returned no image");
        }
        if (image.getWidth() != width || image.getHeight() != height) {
            return reject(RejectionReason.CORRUPT, format.formatName + " header announces " + width + "x" + height
                    + " but " + image.getWidth() + "x" + image.getHeight() + " decoded");
        }
        // The JDK's JPEG reader only warns on truncated or damaged data ("Truncated File - Missing EOI marker",
        // "Corrupt JPEG data: premature end of data segment") and returns an image padded with grey.
        List<String> damage = warnings.stream().filter(w -> !isHarmless(w)).distinct().limit(3).toList();
        if (!damage.isEmpty()) {
            return reject(RejectionReason.CORRUPT, format.formatName + " decoder reported: " + String.join("; ", damage));
        }
        // Decoders stop once they have their pixels, so a file cut just after them still decodes: check the container.
        String broken = switch (format) {
            case PNG -> pngStructureProblem(bytes);
            case WEBP -> riffSizeProblem(bytes);
            case JPEG -> null; // a missing EOI marker is already a decoder warning
        };
        if (broken != null) {
            return reject(RejectionReason.CORRUPT, broken);
        }

        return new Inspection.Accepted(format.mime, format.formatName, width, height, sha256(bytes), bytes.length);
    }

    /**
     * Bytes of the decoded image: width x height x the bytes a pixel takes in the largest of the reader's raw type and
     * the type {@code read} decodes into (its first image type), rounded up to whole bytes. Readers learn both from
     * the header; a reader that names neither is counted at 8 bytes a pixel (16-bit RGBA, the most a PNG can have).
     */
    private static long decodedBytes(ImageReader reader, int width, int height) throws IOException {
        long bitsPerPixel = bitsPerPixel(reader.getRawImageType(0));
        Iterator<javax.imageio.ImageTypeSpecifier> types = reader.getImageTypes(0);
        if (types != null && types.hasNext()) {
            bitsPerPixel = Math.max(bitsPerPixel, bitsPerPixel(types.next()));
        }
        if (bitsPerPixel <= 0) {
            bitsPerPixel = 64;
        }
        return ((long) width * height * bitsPerPixel + 7) / 8; // width x height is within maxPixels here
    }

    /** Bits a pixel of this type is stored in: its samples' sizes, or more when they are stored in wider elements. */
    private static long bitsPerPixel(javax.imageio.ImageTypeSpecifier type) {
        if (type == null) {
            return 0;
        }
        java.awt.image.SampleModel model = type.getSampleModel();
        long sampleBits = 0;
        for (int size : model.getSampleSize()) {
            sampleBits += size;
        }
        long elementBits = (long) model.getNumDataElements() * java.awt.image.DataBuffer.getDataTypeSize(model.getDataType());
        return Math.max(sampleBits, elementBits);
    }

    /**
     * Walks the PNG chunks up to IEND; null when complete. CRCs are checked on critical chunks only (IHDR, PLTE,
     * IDAT, IEND), as libpng does by default: the JDK reader checks none.
     */
    private static String pngStructureProblem(byte[] b) {
        CRC32 crc = new CRC32();
        int offset = PNG_MAGIC.length;
        while (offset + 12 <= b.length) {
            long length = readUint32BigEndian(b, offset);
            String type = new String(b, offset + 4, 4, StandardCharsets.ISO_8859_1);
            if (length > b.length - offset - 12L) {
                return "png is truncated: chunk " + type + " at offset " + offset + " announces " + length
                        + " bytes, " + Math.max(0, b.length - offset - 12) + " present";
            }
            int dataEnd = offset + 8 + (int) length;
            boolean critical = Character.isUpperCase(type.charAt(0));
            if (critical) {
                crc.reset();
                crc.update(b, offset + 4, 4 + (int) length);
                if (crc.getValue() != readUint32BigEndian(b, dataEnd)) {
                    return "png chunk " + type + " at offset " + offset + " fails its CRC";
                }
            }
            if (type.equals("IEND")) {
                return null; // anything after IEND is ignored, as every decoder does
            }
            offset = dataEnd + 4;
        }
        return "png is truncated: no IEND chunk";
    }

    /** RIFF announces the file's size (little-endian, excluding the 8-byte header); null when all of it is there. */
    private static String riffSizeProblem(byte[] b) {
        long announced = (b[4] & 0xFFL) | (b[5] & 0xFFL) << 8 | (b[6] & 0xFFL) << 16 | (b[7] & 0xFFL) << 24;
        if (announced + 8 > b.length) {
            return "webp is truncated: RIFF header announces " + (announced + 8) + " bytes, " + b.length + " present";
        }
        return null;
    }

    private static long readUint32BigEndian(byte[] b, int offset) {
        return (b[offset] & 0xFFL) << 24 | (b[offset + 1] & 0xFFL) << 16 | (b[offset + 2] & 0xFFL) << 8
                | (b[offset + 3] & 0xFFL);
    }

    private static Format sniff(byte[] bytes) {
        if (startsWith(bytes, 0, JPEG_MAGIC)) {
            return Format.JPEG;
        }
        if (startsWith(bytes, 0, PNG_MAGIC)) {
            return Format.PNG;
        }
        // RIFF <4-byte little-endian size> WEBP
        if (startsWith(bytes, 0, RIFF) && startsWith(bytes, 8, WEBP)) {
            return Format.WEBP;
        }
        return null;
    }

    /** Names what the bytes look like, for the rejection detail. */
    private static String describeUnsupported(byte[] b) {
        if (b.length == 0) {
            return "empty input";
        }
        if (startsWith(b, 0, ascii("GIF87a")) || startsWith(b, 0, ascii("GIF89a"))) {
            return "GIF image";
        }
        if (startsWith(b, 0, ascii("BM"))) {
            return "BMP image";
        }
        if (startsWith(b, 0, ascii("II*\0")) || startsWith(b, 0, ascii("MM\0*"))) {
            return "TIFF image";
        }
        if (startsWith(b, 4, ascii("ftyp"))) {
            return "ISO media file (AVIF, HEIC or MP4)";
        }
        if (startsWith(b, 0, ascii("%PDF"))) {
            return "PDF document";
        }
        if (startsWith(b, 0, new byte[] {0, 0, 1, 0})) {
            return "ICO image";
        }
        if (startsWith(b, 0, RIFF)) {
            return "RIFF container that is not WebP";
        }
        if (startsWith(b, 0, ascii("<")) || startsWith(b, 0, new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '<'})) {
            return "markup (SVG, HTML or XML)";
        }
        return "unknown format (starts with " + HEX.withDelimiter(" ").formatHex(b, 0, Math.min(b.length, 8)) + ")";
    }

    private static boolean startsWith(byte[] bytes, int offset, byte[] prefix) {
        if (bytes.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A fresh reader per call: ImageReader instances keep per-stream state and are not thread-safe. */
    private static ImageReader newReader(Format format) {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.formatName);
        if (!readers.hasNext()) {
            // checked in the constructor; only a deregistered plugin gets here
            throw new IllegalStateException("No ImageIO reader for " + format.formatName);
        }
        return readers.next();
    }

    private static boolean isHarmless(String warning) {
        String w = warning == null ? "" : warning.toLowerCase(Locale.ROOT);
        return HARMLESS_WARNINGS.stream().anyMatch(w::contains);
    }

    private static void registerReadersFrom(ClassLoader loader) {
        IIORegistry registry = IIORegistry.getDefaultInstance();
        Iterator<ImageReaderSpi> providers = ServiceLoader.load(ImageReaderSpi.class, loader).iterator();
        // a broken provider elsewhere on the class path must not hide the ones we need: skip it (boundedly,
        // in case the iterator keeps failing at the same place)
        for (int failures = 0; failures < 16; ) {
            try {
                if (!providers.hasNext()) {
                    return;
                }
                registry.registerServiceProvider(providers.next(), ImageReaderSpi.class);
            } catch (ServiceConfigurationError e) {
                failures++;
            }
        }
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (sb.length() > 0) {
                sb.append(" <- ");
            }
            sb.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                sb.append(": ").append(t.getMessage());
            }
            if (sb.length() > 300) {
                break;
            }
        }
        return sb.toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static Inspection.Rejected reject(RejectionReason reason, String detail) {
        return new Inspection.Rejected(reason, detail);
    }
}
