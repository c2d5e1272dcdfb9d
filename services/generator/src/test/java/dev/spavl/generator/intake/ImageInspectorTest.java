package dev.spavl.generator.intake;

import static dev.spavl.generator.intake.TestImages.WEBP_LOSSLESS;
import static dev.spavl.generator.intake.TestImages.WEBP_LOSSY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageInspectorTest {

    private final ImageInspector inspector = new ImageInspector();

    // ---- accepted -------------------------------------------------------------------------------------------

    @Test
    void acceptsPng() throws Exception {
        byte[] png = TestImages.png(120, 90);

        assertThat(inspector.inspect(png)).isEqualTo(
                new Inspection.Accepted("image/png", "png", 120, 90, sha256(png), png.length));
    }

    @Test
    void acceptsJpeg() throws Exception {
        byte[] jpeg = TestImages.jpeg(200, 150);

        assertThat(inspector.inspect(jpeg)).isEqualTo(
                new Inspection.Accepted("image/jpeg", "jpeg", 200, 150, sha256(jpeg), jpeg.length));
    }

    @ParameterizedTest
    @ValueSource(strings = {WEBP_LOSSY, WEBP_LOSSLESS})
    void acceptsWebp(String fixture) throws Exception {
        byte[] webp = TestImages.resource(fixture);

        assertThat(inspector.inspect(webp)).isEqualTo(
                new Inspection.Accepted("image/webp", "webp", 96, 80, sha256(webp), webp.length));
    }

    @Test
    void acceptsAdobeCmykJpeg() throws Exception {
        byte[] cmyk = TestImages.resource(TestImages.JPEG_ADOBE_CMYK);

        assertThat(inspector.inspect(cmyk)).isEqualTo(
                new Inspection.Accepted("image/jpeg", "jpeg", 80, 64, sha256(cmyk), cmyk.length));
    }

    @Test
    void sha256IsOverTheExactBytes() throws Exception {
        byte[] png = TestImages.png(100, 100);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(png));

        Inspection.Accepted accepted = (Inspection.Accepted) inspector.inspect(png);

        assertThat(accepted.sha256()).isEqualTo(expected).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(accepted.sizeBytes()).isEqualTo(png.length);
    }

    @Test
    void formatComesFromTheBytes() {
        // the inspector never sees a name: a PNG is a PNG whatever the row called it
        assertThat(inspector.inspect(TestImages.png(80, 80)))
                .isInstanceOfSatisfying(Inspection.Accepted.class, a -> assertThat(a.format()).isEqualTo("png"));
    }

    @Test
    void exactlyAtEveryLimitIsAccepted() {
        byte[] png = TestImages.png(100, 70);
        ImageInspector tight = new ImageInspector(new ImageLimits(png.length, 100 * 70, 100, 70));

        assertThat(tight.inspect(png)).isInstanceOf(Inspection.Accepted.class);
    }

    // ---- decoded bytes, not only pixels ---------------------------------------------------------------------

    @Test
    void a16BitPngUnderThePixelCapIsRefusedByItsDecodedBytesBeforeDecoding() {
        // 39.7 Mpx (under the 40 Mpx cap) of 16-bit RGB: 6 bytes a pixel, 238 MB decoded; only the header is there
        byte[] header = TestImages.pngWithHeader(6300, 6300, 16, 2);

        assertThat(inspector.inspect(header)).isEqualTo(new Inspection.Rejected(RejectionReason.DECOMPRESSION_BOMB,
                "png header announces 6300x6300 pixels of 6 bytes = 238140000 bytes decoded, over the limit of 160000000"));
    }

    @Test
    void theDecodedBytesBudgetCountsBandsAndBytesPerSample() {
        byte[] png16 = TestImages.png16(100, 100); // 100 x 100 x 3 bands x 2 bytes
        ImageInspector atBudget = new ImageInspector(new ImageLimits(20_000_000, 40_000_000, 64, 64, 60_000));
        ImageInspector belowBudget = new ImageInspector(new ImageLimits(20_000_000, 40_000_000, 64, 64, 59_999));

        assertThat(atBudget.inspect(png16)).isInstanceOf(Inspection.Accepted.class);
        assertThat(belowBudget.inspect(png16)).isEqualTo(new Inspection.Rejected(RejectionReason.DECOMPRESSION_BOMB,
                "png header announces 100x100 pixels of 6 bytes = 60000 bytes decoded, over the limit of 59999"));
        assertThat(belowBudget.inspect(TestImages.png(100, 100))).as("8-bit samples").isInstanceOf(Inspection.Accepted.class);
    }

    // ---- too large ------------------------------------------------------------------------------------------

    @Test
    void tooLarge() {
        byte[] png = TestImages.png(200, 200);
        ImageInspector small = new ImageInspector(new ImageLimits(png.length - 1, 40_000_000, 64, 64));

        assertThat(small.inspect(png)).isEqualTo(new Inspection.Rejected(RejectionReason.TOO_LARGE,
                png.length + " bytes exceed the limit of " + (png.length - 1) + " bytes"));
    }

    @Test
    void sizeIsCheckedBeforeTheFormat() {
        ImageInspector small = new ImageInspector(new ImageLimits(1000, 40_000_000, 64, 64));

        assertThat(reason(small.inspect(randomBytes(1001)))).isEqualTo(RejectionReason.TOO_LARGE);
    }

    // ---- unsupported format ---------------------------------------------------------------------------------

    @Test
    void gifIsUnsupported() {
        byte[] gif = TestImages.write(TestImages.picture(100, 100, false), "gif");

        Inspection.Rejected rejected = rejected(inspector.inspect(gif));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.UNSUPPORTED_FORMAT);
        assertThat(rejected.detail()).startsWith("GIF image").contains("only JPEG, PNG and WebP");
    }

    @Test
    void bmpIsUnsupported() {
        byte[] bmp = TestImages.write(TestImages.picture(100, 100, false), "bmp");

        Inspection.Rejected rejected = rejected(inspector.inspect(bmp));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.UNSUPPORTED_FORMAT);
        assertThat(rejected.detail()).startsWith("BMP image");
    }

    @Test
    void randomBytesAreUnsupported() {
        byte[] random = randomBytes(4096);
        random[0] = 0x13; // no image format starts so

        Inspection.Rejected rejected = rejected(inspector.inspect(random));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.UNSUPPORTED_FORMAT);
        assertThat(rejected.detail()).startsWith("unknown format (starts with 13 ");
    }

    @Test
    void emptyAndTinyInputsAreUnsupported() {
        assertThat(rejected(inspector.inspect(new byte[0])))
                .isEqualTo(new Inspection.Rejected(RejectionReason.UNSUPPORTED_FORMAT,
                        "empty input; only JPEG, PNG and WebP are accepted"));
        // a JPEG magic cut short, and "RIFF" without "WEBP"
        assertThat(reason(inspector.inspect(new byte[] {(byte) 0xFF, (byte) 0xD8})))
                .isEqualTo(RejectionReason.UNSUPPORTED_FORMAT);
        assertThat(reason(inspector.inspect("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.ISO_8859_1))))
                .isEqualTo(RejectionReason.UNSUPPORTED_FORMAT);
    }

    // ---- decompression bombs --------------------------------------------------------------------------------

    @Test
    void pngAnnouncing100000x100000IsABombAndIsNeverAllocated() {
        byte[] bomb = TestImages.pngWithHeader(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        inspector.inspect(TestImages.png(100, 100)); // warm up ImageIO so only the bomb's own cost is measured

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        Inspection result = inspector.inspect(bomb);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;

        assertThat(result).isEqualTo(new Inspection.Rejected(RejectionReason.DECOMPRESSION_BOMB,
                "png header announces 100000x100000 = 10000000000 pixels, over the limit of 40000000"));
        assertThat(took).isLessThan(Duration.ofSeconds(2));
        // 10^10 RGB pixels would be 30 GB; a header read allocates a few KB
        assertThat(allocated).as("bytes allocated while inspecting the bomb").isLessThan(4L * 1024 * 1024);
    }

    @Test
    void jpegAnnouncingHugeSizeIsABomb() {
        byte[] bomb = TestImages.jpegWithSize(TestImages.jpeg(100, 100), 65_000, 65_000);

        Inspection.Rejected rejected = rejected(inspector.inspect(bomb));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.DECOMPRESSION_BOMB);
        assertThat(rejected.detail()).contains("65000x65000");
    }

    @Test
    void webpAnnouncingHugeSizeIsABomb() {
        byte[] bomb = TestImages.webpLosslessWithSize(TestImages.resource(WEBP_LOSSLESS), 16_384, 16_384);

        Inspection.Rejected rejected = rejected(inspector.inspect(bomb));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.DECOMPRESSION_BOMB);
        assertThat(rejected.detail()).contains("16384x16384");
    }

    @Test
    void oneMorePixelThanTheCapIsABomb() {
        ImageInspector capped = new ImageInspector(new ImageLimits(1 << 20, 100 * 70 - 1, 64, 64));

        assertThat(reason(capped.inspect(TestImages.png(100, 70)))).isEqualTo(RejectionReason.DECOMPRESSION_BOMB);
    }

    // ---- corrupt --------------------------------------------------------------------------------------------

    @Test
    void truncatedPngIsCorrupt() {
        Inspection.Rejected rejected = rejected(inspector.inspect(TestImages.truncate(TestImages.png(300, 200), 0.5)));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.CORRUPT);
        assertThat(rejected.detail()).startsWith("png data does not decode");
    }

    @Test
    void truncatedJpegIsCorrupt() {
        // the JDK's reader only warns here ("Premature end of JPEG file") and pads the image with grey
        Inspection.Rejected rejected = rejected(inspector.inspect(TestImages.truncate(TestImages.jpeg(300, 200), 0.6)));

        assertThat(rejected).isEqualTo(new Inspection.Rejected(RejectionReason.CORRUPT, "jpeg decoder reported: "
                + "Truncated File - Missing EOI marker; Corrupt JPEG data: premature end of data segment"));
    }

    @Test
    void jpegMissingOnlyItsEndMarkerIsCorrupt() {
        byte[] jpeg = TestImages.jpeg(300, 200);

        assertThat(reason(inspector.inspect(Arrays.copyOf(jpeg, jpeg.length - 2)))).isEqualTo(RejectionReason.CORRUPT);
    }

    @Test
    void jpegWithHarmlessExtraneousBytesIsAccepted() {
        // garbage between two header segments: libjpeg warns "3 extraneous bytes before marker" and skips it;
        // web JPEGs often have it and every pixel is intact
        byte[] jpeg = TestImages.jpeg(100, 100);
        int afterApp0 = 4 + (((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF));
        byte[] sloppy = new byte[jpeg.length + 3];
        System.arraycopy(jpeg, 0, sloppy, 0, afterApp0);
        System.arraycopy(jpeg, afterApp0, sloppy, afterApp0 + 3, jpeg.length - afterApp0);

        assertThat(inspector.inspect(sloppy)).isInstanceOf(Inspection.Accepted.class);
    }

    @Test
    void pngCutJustBeforeIendIsCorrupt() {
        // the JDK reader stops after the last IDAT, so only the chunk walk notices
        byte[] png = TestImages.png(120, 90);

        assertThat(inspector.inspect(Arrays.copyOf(png, png.length - 12))).isEqualTo(
                new Inspection.Rejected(RejectionReason.CORRUPT, "png is truncated: no IEND chunk"));
    }

    @Test
    void pngWithDamagedPixelDataIsCorrupt() {
        byte[] png = TestImages.png(120, 90);
        int lastIdatByte = png.length - 12 - 4 - 1; // before IDAT's CRC, which precedes IEND
        png[lastIdatByte] ^= 0x01;

        assertThat(reason(inspector.inspect(png))).isEqualTo(RejectionReason.CORRUPT);
    }

    @Test
    void pngWithBadChunkCrcIsCorrupt() {
        // the JDK reader ignores CRCs and decodes this; libpng and Pillow, which read the dataset later, refuse it
        byte[] png = TestImages.png(120, 90);
        int idatCrc = png.length - 12 - 4;
        png[idatCrc] ^= 0x01;

        Inspection.Rejected rejected = rejected(inspector.inspect(png));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.CORRUPT);
        assertThat(rejected.detail()).matches("png chunk IDAT at offset \\d+ fails its CRC");
    }

    @Test
    void bytesAfterIendAreIgnored() {
        byte[] png = TestImages.png(120, 90);
        byte[] padded = Arrays.copyOf(png, png.length + 100);

        assertThat(inspector.inspect(padded)).isInstanceOf(Inspection.Accepted.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {WEBP_LOSSY, WEBP_LOSSLESS})
    void truncatedWebpIsCorrupt(String fixture) {
        byte[] truncated = TestImages.truncate(TestImages.resource(fixture), 0.6);

        assertThat(reason(inspector.inspect(truncated))).isEqualTo(RejectionReason.CORRUPT);
    }

    @ParameterizedTest
    @ValueSource(strings = {WEBP_LOSSY, WEBP_LOSSLESS})
    void webpShortByOneByteIsCorrupt(String fixture) {
        // the decoders may not miss the last byte; the RIFF size does
        byte[] webp = TestImages.resource(fixture);

        assertThat(inspector.inspect(Arrays.copyOf(webp, webp.length - 1))).isEqualTo(
                new Inspection.Rejected(RejectionReason.CORRUPT, "webp is truncated: RIFF header announces "
                        + webp.length + " bytes, " + (webp.length - 1) + " present"));
    }

    @Test
    void jpegMagicFollowedByGarbageIsCorrupt() {
        byte[] fake = randomBytes(2048);
        fake[0] = (byte) 0xFF;
        fake[1] = (byte) 0xD8;
        fake[2] = (byte) 0xFF;

        assertThat(reason(inspector.inspect(fake))).isEqualTo(RejectionReason.CORRUPT);
    }

    @Test
    void pngMagicFollowedByGarbageIsCorrupt() {
        byte[] fake = randomBytes(2048);
        System.arraycopy(TestImages.png(64, 64), 0, fake, 0, 8);

        Inspection.Rejected rejected = rejected(inspector.inspect(fake));

        assertThat(rejected.reason()).isEqualTo(RejectionReason.CORRUPT);
        assertThat(rejected.detail()).startsWith("unreadable png header");
    }

    @Test
    void webpMagicFollowedByGarbageIsCorrupt() {
        byte[] fake = randomBytes(2048);
        System.arraycopy("RIFF\0\0\0\0WEBP".getBytes(StandardCharsets.ISO_8859_1), 0, fake, 0, 12);

        assertThat(reason(inspector.inspect(fake))).isEqualTo(RejectionReason.CORRUPT);
    }

    @Test
    void pngHeaderWithoutPixelDataIsCorrupt() {
        // a plausible 100x100 header, but the IDAT holds 16 pixels' worth
        assertThat(reason(inspector.inspect(TestImages.pngWithHeader(100, 100)))).isEqualTo(RejectionReason.CORRUPT);
    }

    // ---- too small ------------------------------------------------------------------------------------------

    @Test
    void tooSmall() {
        assertThat(inspector.inspect(TestImages.png(32, 32))).isEqualTo(
                new Inspection.Rejected(RejectionReason.TOO_SMALL, "32x32 is below the minimum of 64x64"));
    }

    @Test
    void eitherSideTooShortIsTooSmall() {
        assertThat(reason(inspector.inspect(TestImages.jpeg(200, 63)))).isEqualTo(RejectionReason.TOO_SMALL);
        assertThat(reason(inspector.inspect(TestImages.jpeg(63, 200)))).isEqualTo(RejectionReason.TOO_SMALL);
        assertThat(inspector.inspect(TestImages.jpeg(64, 64))).isInstanceOf(Inspection.Accepted.class);
    }

    // ---- contract -------------------------------------------------------------------------------------------

    @Test
    void defaults() {
        assertThat(ImageLimits.defaults()).isEqualTo(new ImageLimits(20L * 1024 * 1024, 40_000_000L, 64, 64));
        assertThat(new ImageInspector().limits()).isEqualTo(ImageLimits.defaults());
    }

    @Test
    void invalidLimitsAreRefused() {
        assertThatThrownBy(() -> new ImageLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageLimits(1, 0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageLimits(1, 1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageLimits(1, 99, 10, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullIsAProgrammingError() {
        assertThatThrownBy(() -> inspector.inspect(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void oneInspectorServesManyThreads() throws Exception {
        List<byte[]> inputs = List.of(TestImages.png(120, 90), TestImages.jpeg(200, 150),
                TestImages.resource(WEBP_LOSSY), TestImages.resource(WEBP_LOSSLESS),
                TestImages.truncate(TestImages.jpeg(300, 200), 0.6), TestImages.png(32, 32));
        List<Inspection> expected = inputs.stream().map(inspector::inspect).toList();

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                runs.add(pool.submit(() -> {
                    for (int round = 0; round < 10; round++) {
                        for (int i = 0; i < inputs.size(); i++) {
                            if (!inspector.inspect(inputs.get(i)).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> run : runs) {
                assertThat(run.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static RejectionReason reason(Inspection inspection) {
        return rejected(inspection).reason();
    }

    private static Inspection.Rejected rejected(Inspection inspection) {
        assertThat(inspection).isInstanceOf(Inspection.Rejected.class);
        return (Inspection.Rejected) inspection;
    }
}
