package dev.spavl.generator.source;

import dev.spavl.generator.intake.RejectionReason;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a manifest holds, the readers never throw but the documented SourceException (for the file as a whole),
 * account for every row as a SourceRow or a RowProblem with its line and reason, and keep every valid row that sits
 * among garbage rows. Plain jqwik: no Quarkus.
 */
class ManifestParserPropertiesTest {

    private static final Path DIR = tempDir();
    private static final String HEADER = "path,caption,class1,class2,class3";
    /** Small enough that generated long fields cross it. */
    private static final ManifestLimits LIMITS = new ManifestLimits(200, 200, 200, 200, 64, 1000, 600, 1 << 20, 1000);

    @Property(tries = 200)
    void csvRowsAreRowsOrProblemsAndValidOnesAreKept(@ForAll("csvLines") List<Tuple.Tuple2<Boolean, String>> lines,
                                                     @ForAll boolean bom) {
        StringBuilder text = new StringBuilder(bom ? "\uFEFF" : "").append(HEADER).append('\n');
        List<Integer> validLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i).get2()).append(i % 3 == 0 ? "\r\n" : "\n");
            if (lines.get(i).get1()) {
                validLines.add(i + 2);
            }
        }
        Path file = write("m.csv", text.toString().getBytes(StandardCharsets.UTF_8));
        SourceListing listing = reader().readCsv(file);

        assertAccounted(listing, lines.size() + 1);
        assertThat(listing.rows()).extracting(SourceRow::rowNo).containsAll(validLines);
    }

    @Property(tries = 200)
    void jsonLinesRowsAreRowsOrProblemsAndValidOnesAreKept(@ForAll("jsonLines") List<Tuple.Tuple2<Boolean, String>> lines,
                                                           @ForAll boolean bom) {
        StringBuilder text = new StringBuilder(bom ? "\uFEFF" : "");
        List<Integer> validLines = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i).get2()).append('\n');
            if (lines.get(i).get1()) {
                validLines.add(i + 1);
            }
        }
        Path file = write("m.jsonl", text.toString().getBytes(StandardCharsets.UTF_8));
        SourceListing listing = reader().readJsonLines(file);

        assertAccounted(listing, lines.size());
        assertThat(listing.rows()).extracting(SourceRow::rowNo).containsAll(validLines);
    }

    @Property(tries = 200)
    void anyBytesAtAllAreReadOrRefusedAsAWhole(@ForAll("bytes") byte[] content, @ForAll boolean csv) {
        Path file = write(csv ? "b.csv" : "b.jsonl", content);
        try {
            SourceListing listing = csv ? reader().readCsv(file) : reader().readJsonLines(file);
            assertAccounted(listing, Integer.MAX_VALUE);
        } catch (SourceException e) {
            assertThat(e.getMessage()).isNotBlank(); // the documented whole-file failure (a CSV header it cannot read)
        }
    }

    private static void assertAccounted(SourceListing listing, int lastLine) {
        List<Integer> seen = new ArrayList<>();
        listing.rows().forEach(r -> seen.add(r.rowNo()));
        for (RowProblem p : listing.problems()) {
            assertThat(p.reason()).isEqualTo(RejectionReason.INVALID_ROW);
            assertThat(p.detail()).isNotBlank();
            seen.add(p.rowNo());
        }
        assertThat(seen).doesNotHaveDuplicates().allSatisfy(n -> assertThat(n).isBetween(1, lastLine));
    }

    // ------------------------------------------------------------------------------------------- generators

    /** Valid rows (a quoted caption, so an unclosed quote before them cannot swallow them) among garbage rows. */
    @Provide
    Arbitrary<List<Tuple.Tuple2<Boolean, String>>> csvLines() {
        Arbitrary<Tuple.Tuple2<Boolean, String>> valid = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)
                .map(cap -> Tuple.of(true, "img/" + UUID.randomUUID() + ".png,\"c" + cap + ", quoted\",A,B,C"));
        Arbitrary<Tuple.Tuple2<Boolean, String>> garbage = garbageText().map(s -> Tuple.of(false, s));
        return Arbitraries.frequencyOf(Tuple.of(1, valid), Tuple.of(2, garbage)).list().ofMaxSize(12);
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<Boolean, String>>> jsonLines() {
        Arbitrary<Tuple.Tuple2<Boolean, String>> valid = Arbitraries.strings().alpha().ofMaxLength(20)
                .map(cap -> Tuple.of(true, "{\"path\":\"img/" + UUID.randomUUID() + ".png\",\"caption\":\"" + cap
                        + "\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}"));
        Arbitrary<Tuple.Tuple2<Boolean, String>> garbage = garbageText().map(s -> Tuple.of(false, s));
        return Arbitraries.frequencyOf(Tuple.of(1, valid), Tuple.of(2, garbage)).list().ofMaxSize(12);
    }

    /** One line of garbage: CSV and JSON punctuation, quotes, BOMs, CRs, control characters, long runs. */
    private static Arbitrary<String> garbageText() {
        Arbitrary<String> shortText = Arbitraries.strings().withChars("\",{}[]:\\ \r\t\uFEFFabcA.png/").ofMaxLength(40);
        Arbitrary<String> anyText = Arbitraries.strings().all().ofMaxLength(40).map(s -> s.replace('\n', ' '));
        Arbitrary<String> longField = Arbitraries.integers().between(150, 900).map(n -> "img/x.png," + "c".repeat(n) + ",A,B,C");
        Arbitrary<String> jsonish = Arbitraries.integers().between(150, 900)
                .map(n -> "{\"path\":\"a.png\",\"caption\":\"" + "c".repeat(n) + "\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}");
        return Arbitraries.oneOf(shortText, anyText, longField, jsonish);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static SourceReader reader() {
        return new SourceReader(new InputRoots(List.of(DIR)), LIMITS);
    }

    private static Path write(String name, byte[] content) {
        try {
            return Files.write(DIR.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("manifest-properties");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
