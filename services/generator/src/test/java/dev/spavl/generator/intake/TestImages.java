package dev.spavl.generator.intake;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Images for the inspector tests, made in memory except for the three fixture files named below. */
public final class TestImages {

    private TestImages() {
    }

    /**
     * WebP fixtures, 96 x 80: TwelveMonkeys ImageIO reads WebP but cannot write it. Made with cwebp 1.2.4
     * (Debian package {@code webp}) from a 96x80 PNG (blue-to-yellow gradient, a red disc, a white square):
     * {@code cwebp -q 75 -metadata none src.png -o sample-96x80-lossy.webp} (VP8) and
     * {@code cwebp -lossless -z 9 -metadata none src.png -o sample-96x80-lossless.webp} (VP8L).
     */
    static final String WEBP_LOSSY = "sample-96x80-lossy.webp";
    static final String WEBP_LOSSLESS = "sample-96x80-lossless.webp";
    /**
     * A Photoshop-style CMYK JPEG (Adobe APP14 marker, YCCK transform), 80 x 64, common among web images.
     * Made with ImageMagick 6.9.11 from the same PNG:
     * {@code convert src.png -resize 80x64! -colorspace CMYK -quality 75 -strip adobe-cmyk-80x64.jpg}.
     */
    static final String JPEG_ADOBE_CMYK = "adobe-cmyk-80x64.jpg";

    /** Gradient and shapes, plus noise when {@code noisy}: noise makes JPEG scan data large, so truncation hits it. */
    static BufferedImage picture(int width, int height, boolean noisy) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(30, 90, 200), width, height, new Color(250, 200, 40)));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillOval(width / 8, height / 8, width / 3, height / 3);
        g.dispose();
        if (noisy) {
            Random random = new Random(42);
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    img.setRGB(x, y, img.getRGB(x, y) ^ (random.nextInt() & 0x3F3F3F));
                }
            }
        }
        return img;
    }

    public static byte[] png(int width, int height) {
        return write(picture(width, height, false), "png");
    }

    public static byte[] jpeg(int width, int height) {
        return write(picture(width, height, true), "jpeg");
    }

    static byte[] write(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] resource(String name) {
        try (InputStream in = TestImages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] truncate(byte[] bytes, double keep) {
        return Arrays.copyOf(bytes, (int) (bytes.length * keep));
    }

    /**
     * A hand-made PNG whose IHDR announces {@code width x height} 8-bit RGB pixels (correct CRCs), followed by a
     * tiny IDAT holding one compressed scanline and IEND: a decompression bomb's header on a few dozen bytes.
     */
    /** A real PNG of 16-bit RGB samples (6 bytes a decoded pixel). */
    public static byte[] png16(int width, int height) {
        java.awt.image.ColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        BufferedImage image = new BufferedImage(cm, cm.createCompatibleWritableRaster(width, height), false, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setPixel(x, y, new int[] {x * 600 % 65536, y * 600 % 65536, (x + y) * 300 % 65536});
            }
        }
        return write(image, "png");
    }

    /** Only a PNG header announcing width x height pixels of {@code bitDepth}-bit samples of {@code colourType}. */
    public static byte[] pngWithHeader(int width, int height, int bitDepth, int colourType) {
        byte[] png = pngWithHeader(width, height);
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) bitDepth).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Arrays.copyOf(png, 8));
        chunk(out, "IHDR", ihdr.array());
        int afterIhdr = 8 + 8 + 13 + 4;
        out.writeBytes(Arrays.copyOfRange(png, afterIhdr, png.length));
        return out.toByteArray();
    }

    public static byte[] pngWithHeader(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width).putInt(height)
                .put((byte) 8) // bit depth
                .put((byte) 2) // colour type: RGB
                .put((byte) 0).put((byte) 0).put((byte) 0); // compression, filter, interlace
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", deflate(new byte[1 + 3 * 16])); // filter byte + a few pixels; far too little data
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater();
        deflater.setInput(data);
        deflater.finish();
        byte[] buf = new byte[256];
        int n = deflater.deflate(buf);
        deflater.end();
        return Arrays.copyOf(buf, n);
    }

    /** A copy of a JPEG whose SOFn frame header announces {@code width x height} (each at most 65535). */
    static byte[] jpegWithSize(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        int i = 2; // after SOI
        while (i + 4 <= copy.length) {
            if ((copy[i] & 0xFF) != 0xFF) {
                throw new IllegalArgumentException("no marker at " + i);
            }
            int marker = copy[i + 1] & 0xFF;
            int length = ((copy[i + 2] & 0xFF) << 8) | (copy[i + 3] & 0xFF);
            boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (sof) {
                // FF Cn, length(2), precision(1), height(2), width(2)
                copy[i + 5] = (byte) (height >> 8);
                copy[i + 6] = (byte) height;
                copy[i + 7] = (byte) (width >> 8);
                copy[i + 8] = (byte) width;
                return copy;
            }
            i += 2 + length;
        }
        throw new IllegalArgumentException("no SOF marker");
    }

    /**
     * A copy of a simple lossless WebP (RIFF, VP8L chunk) whose header announces {@code width x height}
     * (each at most 16384). The VP8L header is the 0x2F signature then 14 bits width-1, 14 bits height-1,
     * 1 bit alpha, 3 bits version, little-endian, at offset 20.
     */
    static byte[] webpLosslessWithSize(byte[] webp, int width, int height) {
        if (!new String(webp, 12, 4, StandardCharsets.US_ASCII).equals("VP8L") || webp[20] != 0x2F) {
            throw new IllegalArgumentException("not a simple VP8L WebP");
        }
        byte[] copy = webp.clone();
        ByteBuffer header = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        int bits = header.getInt(21);
        bits = (bits & 0xF000_0000) | ((height - 1) << 14) | (width - 1);
        header.putInt(21, bits);
        return copy;
    }
}
