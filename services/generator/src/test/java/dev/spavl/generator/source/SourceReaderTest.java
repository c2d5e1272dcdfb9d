package dev.spavl.generator.source;

import dev.spavl.events.DatasetSplit;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.intake.RejectionReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SourceReaderTest {

    @TempDir
    Path root;

    @Test
    void folderTreeInTheReleasedLayout() throws IOException {
        touch("train/Malicious Use/Security threats/cyber/a.jpg");
        touch("train/Malicious Use/Security threats/cyber/b.PNG");
        touch("train/Malicious Use/Security threats/cyber/notes.txt");
        touch("train/Malicious Use/stray.webp");
        SourceListing listing = reader().read(SourceKind.FOLDER_TREE, "train");
        assertThat(listing.rows()).extracting(SourceRow::imageName).containsExactly(
                "Malicious Use/Security threats/cyber/a.jpg", "Malicious Use/Security threats/cyber/b.PNG");
        assertThat(listing.rows().get(0).class3()).isEqualTo("cyber");
        assertThat(listing.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(RejectionReason.INVALID_ROW);
            assertThat(p.detail()).contains("class1/class2/class3/<file>");
        });
    }

    @Test
    void jsonLinesManifestWithBadRows() throws IOException {
        Files.writeString(root.resolve("m.jsonl"), String.join("\n",
                "{\"path\":\"img/a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"cap\"}",
                "{\"url\":\"https://example.org/x.jpg?sig=1\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}",
                "not json",
                "",
                "{\"path\":\"a.png\",\"url\":\"https://example.org/x.jpg\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}",
                "{\"path\":\"a.png\",\"class1\":\"A\"}",
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"colour\":\"red\"}"));
        SourceListing listing = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(listing.rows()).hasSize(2);
        assertThat(listing.rows().get(0).path()).isEqualTo(root.toRealPath().resolve("img/a.png").toString());
        assertThat(listing.rows().get(0).caption()).isEqualTo("cap");
        assertThat(listing.rows().get(1).imageName()).isEqualTo("A/B/C/x.jpg");
        assertThat(listing.problems()).extracting(RowProblem::rowNo).containsExactly(3, 5, 6, 7);
        assertThat(listing.problems()).extracting(RowProblem::detail).anyMatch(d -> d.contains("exactly one of path or url"))
                .anyMatch(d -> d.contains("class1, class2 and class3 are required"))
                .anyMatch(d -> d.contains("unknown column(s) [colour]"));
    }

    @Test
    void aManifestMayPinAnImageToASplit() throws IOException {
        Files.writeString(root.resolve("m.jsonl"), String.join("\n",
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"split\":\"Test_Harm\"}",
                "{\"path\":\"b.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"split\":\"validation\"}",
                "{\"path\":\"c.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}",
                "{\"path\":\"d.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"split\":\"test\"}"));
        SourceListing listing = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(listing.rows()).extracting(SourceRow::split)
                .containsExactly(DatasetSplit.TEST_HARM, DatasetSplit.VALIDATION, null);
        assertThat(listing.problems()).singleElement().satisfies(p -> {
            assertThat(p.rowNo()).isEqualTo(4);
            assertThat(p.detail()).isEqualTo("split 'test' is not one of [train, validation, test-harm, test-help]"
                    + " (or leave it empty: the packager assigns one by its weights)");
        });
    }

    @Test
    void imageNamesMustBePlainRelativePaths() throws IOException {
        Files.writeString(root.resolve("m.jsonl"), String.join("\n",
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"image_name\":\"../../README.md\"}",
                "{\"url\":\"https://example.org/pics/\",\"class1\":\"A\",\"class2\":\"..\",\"class3\":\"C\"}",
                "{\"url\":\"https://example.org/one/x.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}",
                "{\"url\":\"https://example.org/two/x.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}"));
        SourceListing listing = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(listing.rows()).extracting(SourceRow::imageName).containsExactly("A/B/C/x.png");
        assertThat(listing.problems()).extracting(RowProblem::rowNo).containsExactly(1, 2, 4);
        assertThat(listing.problems()).extracting(RowProblem::detail)
                .anySatisfy(d -> assertThat(d).startsWith("image_name '../../README.md' has an '..' segment"))
                .anySatisfy(d -> assertThat(d).contains("'..' segment").endsWith("(made from class1/class2/class3 and the file name; give image_name)"))
                .anySatisfy(d -> assertThat(d).contains("is already row 3's"));
    }

    @Test
    void csvManifest() throws IOException {
        Files.writeString(root.resolve("m.csv"), "path,caption,class1,class2,class3,description\n"
                + "x/a.png,\"a, quoted caption\",A,B,C,\n"
                + ",no path,A,B,C,\n");
        SourceListing listing = reader().read(SourceKind.MANIFEST_CSV, "m.csv");
        assertThat(listing.rows()).singleElement().satisfies(r -> {
            assertThat(r.caption()).isEqualTo("a, quoted caption");
            assertThat(r.description()).isNull();
        });
        assertThat(listing.problems()).singleElement().satisfies(p -> assertThat(p.rowNo()).isEqualTo(3));
    }

    @Test
    void everyFieldIsBoundedAndTheOtherRowsProceed() throws IOException {
        String big = "x".repeat(10 * 1024 * 1024);
        Files.writeString(root.resolve("m.jsonl"), String.join("\n",
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"" + "c".repeat(2001) + "\"}",
                "{\"path\":\"b.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"" + big + "\"}",
                "{\"url\":\"https://example.org/" + "u".repeat(2048) + "\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}",
                "{\"path\":\"c.png\",\"class1\":\"" + "k".repeat(257) + "\",\"class2\":\"B\",\"class3\":\"C\"}",
                "{\"path\":\"d.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"split\":\"" + "s".repeat(40) + "\"}",
                "{\"path\":\"e.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"ok\"}"));
        SourceListing listing = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(listing.rows()).extracting(SourceRow::rowNo).containsExactly(6);
        assertThat(listing.problems()).extracting(p -> p.rowNo() + ": " + p.detail()).containsExactly(
                "1: caption is 2001 characters long; at most 2000 (spavl.generator.manifest.max-caption-length)",
                "2: line 2 is " + (big.length() + 68) + " bytes long; at most 65536 (spavl.generator.manifest.max-line-bytes)",
                "3: url is 2068 characters long; at most 2048 (spavl.generator.manifest.max-url-length)",
                "4: class1 is 257 characters long; at most 256 (spavl.generator.manifest.max-class-length)",
                "5: split is 40 characters long; at most 32 (fixed: the split keys are short)");
        assertThat(listing.problems()).allSatisfy(p -> assertThat(p.reason()).isEqualTo(RejectionReason.INVALID_ROW));
    }

    @Test
    void aFieldWithANulCharacterIsRefusedAloneInJsonAndCsv() throws IOException {
        // PostgreSQL text cannot hold U+0000: stored with the other rows it would fail the whole intake, every round
        Files.writeString(root.resolve("m.jsonl"), String.join("\n",
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"bad\\u0000caption\"}",
                "{\"path\":\"b.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\",\"caption\":\"ok\"}"));
        SourceListing json = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(json.rows()).extracting(SourceRow::rowNo).containsExactly(2);
        assertThat(json.problems()).singleElement().satisfies(p -> {
            assertThat(p.reason()).isEqualTo(RejectionReason.INVALID_ROW);
            assertThat(p.detail()).isEqualTo("caption contains a NUL character (U+0000), which cannot be stored");
        });
        Files.writeString(root.resolve("m.csv"), "path,class1,class2,class3\na.png,A\u0000Z,B,C\nb.png,A,B,C\n");
        SourceListing csv = reader().read(SourceKind.MANIFEST_CSV, "m.csv");
        assertThat(csv.rows()).extracting(SourceRow::rowNo).containsExactly(3);
        assertThat(csv.problems()).singleElement().satisfies(p -> assertThat(p.detail()).startsWith("class1 contains a NUL"));
    }

    @Test
    void aRowsFieldsTogetherStayWellBelowTheKafkaRecordLimit() throws IOException {
        ManifestLimits small = new ManifestLimits(2000, 4000, 2048, 4096, 256, 3000, 65536, 1 << 20, 100);
        Files.writeString(root.resolve("m.csv"), "path,caption,description,class1,class2,class3\n"
                + "a.png," + "c".repeat(1500) + "," + "d".repeat(1600) + ",A,B,C\n"
                + "b.png,short,,A,B,C\n");
        SourceListing listing = new SourceReader(new InputRoots(List.of(root)), small).read(SourceKind.MANIFEST_CSV, "m.csv");
        assertThat(listing.rows()).extracting(SourceRow::rowNo).containsExactly(3);
        assertThat(listing.problems()).singleElement().satisfies(p -> assertThat(p.detail())
                .isEqualTo("the row's fields add up to 3108 bytes; at most 3000 (spavl.generator.manifest.max-row-bytes)"));
    }

    @Test
    void tooManyRowsOrTooLargeAFileFailTheRun() throws IOException {
        ManifestLimits limits = new ManifestLimits(2000, 4000, 2048, 4096, 256, 32768, 65536, 200, 2);
        SourceReader reader = new SourceReader(new InputRoots(List.of(root)), limits);
        String row = "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}\n";
        Files.writeString(root.resolve("three.jsonl"), row + "not json\n\n" + row);
        assertThatThrownBy(() -> reader.read(SourceKind.MANIFEST_JSONL, "three.jsonl")).isInstanceOf(SourceException.class)
                .hasMessage("the input has more than 2 rows; at most 2 (spavl.generator.manifest.max-rows): split it into several runs");
        Files.writeString(root.resolve("two.jsonl"), row + "\n" + row);
        assertThat(reader.read(SourceKind.MANIFEST_JSONL, "two.jsonl").rows()).hasSize(2);
        Files.writeString(root.resolve("big.jsonl"), row.repeat(4));
        assertThatThrownBy(() -> reader.read(SourceKind.MANIFEST_JSONL, "big.jsonl")).isInstanceOf(SourceException.class)
                .hasMessageEndingWith("is 224 bytes; at most 200 (spavl.generator.manifest.max-file-bytes): split it into several runs");
    }

    @Test
    void aMalformedCsvRowIsRejectedAloneWithWhatIsWrong() throws IOException {
        Files.writeString(root.resolve("m.csv"), String.join("\n",
                "path,caption,class1,class2,class3",
                "a.png,\"fine, quoted\",A,B,C",
                "b.png,\"a caption\non two lines\",A,B,C",
                "",
                "c.png,\"never closed,A,B,C",
                "d.png,cap,A,B,C,extra,more",
                "e.png,\"closed\"then text,A,B,C",
                "f.png,\"has \"\"quotes\"\" inside\",A,B,C",
                "g.png,cap,A,B",
                "h.png,\"unclosed too,A,B,C") + "\n");
        SourceListing listing = reader().read(SourceKind.MANIFEST_CSV, "m.csv");
        assertThat(listing.rows()).extracting(r -> r.rowNo() + ":" + r.caption()).containsExactly(
                "2:fine, quoted", "3:a caption\non two lines", "9:has \"quotes\" inside");
        assertThat(listing.problems()).extracting(p -> p.rowNo() + ": " + p.detail()).containsExactly(
                "6: unclosed quote in field 2 (a quoted field ends with \" before the comma or the line end)",
                "7: 7 fields, the header has 5",
                "8: text after the closing quote of field 2 (a quote inside a quoted field is written \"\")",
                "10: 4 fields, the header has 5",
                "11: unclosed quote in field 2 (a quoted field ends with \" before the comma or the line end)");
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstColumn() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        Files.write(root.resolve("m.csv"), concat(bom, "path,class1,class2,class3\r\na.png,A,B,C\r\n".getBytes(StandardCharsets.UTF_8)));
        Files.write(root.resolve("m.jsonl"), concat(bom,
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(reader().read(SourceKind.MANIFEST_CSV, "m.csv").rows()).singleElement()
                .satisfies(r -> assertThat(r.imageName()).isEqualTo("A/B/C/a.png"));
        assertThat(reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl").rows()).hasSize(1);
    }

    @Test
    void aLineThatIsNotUtf8IsRejectedAlone() throws IOException {
        Files.write(root.resolve("m.jsonl"), concat(new byte[] {'{', (byte) 0xC3, '}', '\n'},
                "{\"path\":\"a.png\",\"class1\":\"A\",\"class2\":\"B\",\"class3\":\"C\"}".getBytes(StandardCharsets.UTF_8)));
        SourceListing listing = reader().read(SourceKind.MANIFEST_JSONL, "m.jsonl");
        assertThat(listing.rows()).hasSize(1);
        assertThat(listing.problems()).singleElement().satisfies(p -> assertThat(p.detail()).isEqualTo("line 1 is not valid UTF-8"));
    }

    @Test
    void theSourceItselfMustBeInsideTheInputRoots(@TempDir Path elsewhere) throws IOException {
        Files.writeString(elsewhere.resolve("m.jsonl"), "");
        assertThatThrownBy(() -> reader().read(SourceKind.MANIFEST_JSONL, elsewhere.resolve("m.jsonl").toString()))
                .isInstanceOf(InputRoots.OutsideRootsException.class).hasMessageContaining("outside the input roots");
        assertThatThrownBy(() -> reader().read(SourceKind.FOLDER_TREE, "../" + elsewhere.getFileName()))
                .isInstanceOf(SourceException.class);
    }

    @Test
    void aSymbolicLinkDoesNotEscapeTheRoot(@TempDir Path elsewhere) throws IOException {
        Files.writeString(elsewhere.resolve("secret.jsonl"), "");
        Files.createSymbolicLink(root.resolve("link.jsonl"), elsewhere.resolve("secret.jsonl"));
        assertThatThrownBy(() -> reader().read(SourceKind.MANIFEST_JSONL, "link.jsonl"))
                .isInstanceOf(InputRoots.OutsideRootsException.class);
    }

    private SourceReader reader() {
        return new SourceReader(new InputRoots(List.of(root)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private void touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }
}
