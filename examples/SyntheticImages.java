import java.awt.AlphaComposite;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Draws the synthetic placeholder pictures of examples/spa-vl-mini: coloured shapes on a pale background,
 * the subcategory (class3) name and a small "synthetic placeholder" note. No photograph, no third-party content.
 *
 * <p>Every picture depends only on (class1, class2, class3, index): the seed is taken from a SHA-256 of those
 * four values and {@link java.util.Random} is specified bit for bit, so the same JDK draws the same pixels
 * (font rasterisation may differ slightly between platforms).
 *
 * <pre>
 * java examples/SyntheticImages.java &lt;out-root&gt;
 *     draws synthetic-1.png and synthetic-2.png for each of the 15 sample subcategories below, under
 *     &lt;out-root&gt;/class1/class2/class3/; files that already exist are kept (add --force to redraw them)
 * java examples/SyntheticImages.java &lt;out-root&gt; &lt;class1&gt; &lt;class2&gt; &lt;class3&gt; &lt;index&gt; [--force]
 *     draws one picture, &lt;out-root&gt;/class1/class2/class3/synthetic-&lt;index&gt;.png
 * java examples/SyntheticImages.java --set &lt;out-root&gt; &lt;count&gt; &lt;taxonomy.tsv&gt;
 *     draws &lt;count&gt; distinct pictures round-robin over every subcategory of the taxonomy file (the
 *     benchmarks' input: benchmarks/README.md), in parallel, keeping files that exist
 * </pre>
 * Java 17, single file, runs headless.
 */
public final class SyntheticImages {

    /** The generator refuses anything below 64 x 64 (ImageLimits); the sample pictures are 320 x 240. */
    static final int WIDTH = 320;
    static final int HEIGHT = 240;
    static final int PER_SUBCATEGORY = 2;
    static final String NOTE = "synthetic placeholder";

    /** One subcategory per class2 of the SPA-VL taxonomy (15 in all), spelt exactly as in spa-vl-taxonomy.tsv. */
    static final String[][] SAMPLE = {
            {"Representation & ToxicityHarms", "Toxic", "bully"},
            {"Representation & ToxicityHarms", "Unfair", "ageism"},
            {"Misinformation Harms", "Erosion of trust in public information", "illegal drugs"},
            {"Misinformation Harms", "false beliefs", "science denialism"},
            {"Information & Safety Harms", "dangerous information", "government secrets"},
            {"Information & Safety Harms", "Privacy", "personal privacy"},
            {"Malicious Use", "Security threats", "cyber"},
            {"Malicious Use", "Defamation", "defamation someone"},
            {"Malicious Use", "Fraud or deceptive action", "fake news"},
            {"Malicious Use", "Influence operations", "manipulation of public opinion"},
            {"Malicious Use", "Illegal activities", "theft"},
            {"Human Autonomy & IntegrityHarms", "Persuasion and manipulation", "physical harm"},
            {"Human Autonomy & IntegrityHarms", "Violation of personal property", "plagiarism"},
            {"Socioeconomic Harms", "Risky financial practices", "gamble"},
            {"Socioeconomic Harms", "Trade and compliance", "labor issues"},
    };

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true"); // before the first AWT class is touched

        if (args.length > 0 && args[0].equals("--set")) {
            if (args.length != 4) {
                usage();
                System.exit(2);
            }
            drawSet(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
            return;
        }
        List<String> positional = new ArrayList<>();
        boolean force = false;
        for (String arg : args) {
            if (arg.equals("--force")) {
                force = true;
            } else if (arg.equals("-h") || arg.equals("--help")) {
                usage();
                return;
            } else {
                positional.add(arg);
            }
        }
        if (positional.size() != 1 && positional.size() != 5) {
            usage();
            System.exit(2);
        }
        Path root = Path.of(positional.get(0));

        if (positional.size() == 5) {
            int index;
            try {
                index = Integer.parseInt(positional.get(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("index must be a whole number: " + positional.get(4));
            }
            write(root, positional.get(1), positional.get(2), positional.get(3), index, force);
            return;
        }
        for (String[] leaf : SAMPLE) {
            for (int index = 1; index <= PER_SUBCATEGORY; index++) {
                write(root, leaf[0], leaf[1], leaf[2], index, force);
            }
        }
    }

    private static void usage() {
        System.err.println("usage: java examples/SyntheticImages.java <out-root> [--force]");
        System.err.println("       java examples/SyntheticImages.java <out-root> <class1> <class2> <class3> <index> [--force]");
        System.err.println("       java examples/SyntheticImages.java --set <out-root> <count> <taxonomy.tsv>");
    }

    /**
     * {@code count} pictures, picture i in subcategory i mod n of the taxonomy (class1, class2, class3 in its first
     * three tab-separated columns, after a header line) with index i / n + 1: every picture differs, so the generator
     * takes none as a duplicate. Drawn on every core; quiet (one summary line).
     */
    static void drawSet(Path root, int count, Path taxonomy) throws IOException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        List<String[]> leaves = new ArrayList<>();
        List<String> lines = Files.readAllLines(taxonomy, StandardCharsets.UTF_8);
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] cols = line.split("\t");
            if (cols.length >= 3) {
                leaves.add(new String[] {cols[0], cols[1], cols[2]});
            }
        }
        if (leaves.isEmpty()) {
            throw new IllegalArgumentException(taxonomy + " lists no subcategory (expected class1<TAB>class2<TAB>class3 rows)");
        }
        long written = java.util.stream.IntStream.range(0, count).parallel().filter(i -> {
            String[] leaf = leaves.get(i % leaves.size());
            Path file = root.resolve(leaf[0]).resolve(leaf[1]).resolve(leaf[2]).resolve("synthetic-" + (i / leaves.size() + 1) + ".png");
            if (Files.exists(file)) {
                return false;
            }
            try {
                Files.createDirectories(file.getParent());
                Path partial = file.resolveSibling(file.getFileName() + ".partial");
                ImageIO.write(draw(leaf[0], leaf[1], leaf[2], i / leaves.size() + 1), "png", partial.toFile());
                Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(file.toString(), e);
            }
        }).count();
        System.out.printf("%d pictures under %s (%d drawn now, %d kept) over %d subcategories%n", count, root, written,
                count - written, leaves.size());
    }

    static void write(Path root, String class1, String class2, String class3, int index, boolean force) throws IOException {
        for (String part : new String[] {class1, class2, class3}) {
            if (part.isBlank() || part.contains("/") || part.contains("\\") || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("not usable as a folder name: '" + part + "'");
            }
        }
        if (index < 1) {
            throw new IllegalArgumentException("index must be at least 1: " + index);
        }
        Path file = root.resolve(class1).resolve(class2).resolve(class3).resolve("synthetic-" + index + ".png");
        if (Files.exists(file) && !force) {
            System.out.println("kept     " + file);
            return;
        }
        Files.createDirectories(file.getParent());
        BufferedImage image = draw(class1, class2, class3, index);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available");
        }
        System.out.println("wrote    " + file + " (" + Files.size(file) + " bytes)");
    }

    /** The picture for one (class1, class2, class3, index). */
    static BufferedImage draw(String class1, String class2, String class3, int index) {
        // The subcategory fixes the palette and the mix of shapes; the index varies the layout and the shade.
        long leafSeed = seed(class1 + "\n" + class2 + "\n" + class3);
        Random leaf = new Random(leafSeed);
        Random rnd = new Random(seed(class1 + "\n" + class2 + "\n" + class3 + "\n" + index));

        float baseHue = leaf.nextFloat();
        float[] shapeWeights = {0.5f + leaf.nextFloat(), 0.5f + leaf.nextFloat(), leaf.nextFloat(), leaf.nextFloat() * 0.8f};
        boolean outlined = leaf.nextInt(3) == 0;

        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);

            // pale background, near the subcategory's hue
            float bgHue = wrap(baseHue + (rnd.nextFloat() - 0.5f) * 0.12f);
            g.setColor(Color.getHSBColor(bgHue, 0.12f + rnd.nextFloat() * 0.15f, 0.82f + rnd.nextFloat() * 0.1f));
            g.fillRect(0, 0, WIDTH, HEIGHT);

            int count = 9 + rnd.nextInt(5);
            for (int i = 0; i < count; i++) {
                // mostly the subcategory's hue and its complement, now and then any hue
                float hue = switch (rnd.nextInt(4)) {
                    case 0, 1 -> wrap(baseHue + (rnd.nextFloat() - 0.5f) * 0.15f);
                    case 2 -> wrap(baseHue + 0.5f + (rnd.nextFloat() - 0.5f) * 0.15f);
                    default -> rnd.nextFloat();
                };
                Color color = Color.getHSBColor(hue, 0.35f + rnd.nextFloat() * 0.6f, 0.2f + rnd.nextFloat() * 0.7f);
                Shape shape = shape(rnd, pick(rnd, shapeWeights));
                g.setColor(color);
                g.fill(shape);
                if (outlined) {
                    g.setColor(color.darker());
                    g.setStroke(new BasicStroke(2f));
                    g.draw(shape);
                }
            }

            caption(g, class3);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** 0 ellipse, 1 rectangle, 2 rounded rectangle, 3 triangle. */
    private static Shape shape(Random rnd, int kind) {
        int w = 24 + rnd.nextInt(70);
        int h = 20 + rnd.nextInt(60);
        int x = rnd.nextInt(WIDTH - w / 2) - w / 4;
        int y = rnd.nextInt(HEIGHT - h / 2) - h / 4;
        return switch (kind) {
            case 0 -> new Ellipse2D.Float(x, y, w, h);
            case 1 -> new Rectangle2D.Float(x, y, w, h);
            case 2 -> new RoundRectangle2D.Float(x, y, w, h, 18, 18);
            default -> {
                Polygon p = new Polygon();
                p.addPoint(x + rnd.nextInt(w), y);
                p.addPoint(x, y + h);
                p.addPoint(x + w, y + h);
                yield p;
            }
        };
    }

    /** The class3 name bottom left on a light band, the note top right. */
    private static void caption(Graphics2D g, String class3) {
        int margin = 10;
        int size = 20;
        Font font;
        FontMetrics fm;
        do { // long names get a smaller font rather than leaving the picture
            font = new Font(Font.SANS_SERIF, Font.BOLD, size);
            fm = g.getFontMetrics(font);
            size--;
        } while (fm.stringWidth(class3) > WIDTH - 2 * margin - 8 && size > 9);
        int textW = fm.stringWidth(class3);
        int baseline = HEIGHT - margin - fm.getDescent();

        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.78f));
        g.setColor(Color.WHITE);
        g.fillRoundRect(margin - 4, baseline - fm.getAscent() - 3, textW + 8, fm.getAscent() + fm.getDescent() + 6, 8, 8);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(Color.BLACK);
        g.setFont(font);
        g.drawString(class3, margin, baseline);

        Font small = new Font(Font.SANS_SERIF, Font.ITALIC, 10);
        FontMetrics sm = g.getFontMetrics(small);
        int noteW = sm.stringWidth(NOTE);
        int noteX = WIDTH - margin - noteW;
        int noteY = margin + sm.getAscent();
        g.setComposite(AlphaComposite.getInstance(AlphaComposite.SRC_OVER, 0.7f));
        g.setColor(Color.WHITE);
        g.fillRect(noteX - 3, noteY - sm.getAscent() - 1, noteW + 6, sm.getAscent() + sm.getDescent() + 2);
        g.setComposite(AlphaComposite.SrcOver);
        g.setColor(new Color(60, 60, 60));
        g.setFont(small);
        g.drawString(NOTE, noteX, noteY);
    }

    private static int pick(Random rnd, float[] weights) {
        float total = 0;
        for (float w : weights) {
            total += w;
        }
        float r = rnd.nextFloat() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private static float wrap(float hue) {
        return hue - (float) Math.floor(hue);
    }

    /** A seed that does not depend on String.hashCode or the JVM: the first 8 bytes of SHA-256. */
    private static long seed(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long s = 0;
            for (int i = 0; i < 8; i++) {
                s = (s << 8) | (d[i] & 0xFF);
            }
            return s;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
