package dev.spavl.generator.source;

import dev.spavl.events.DatasetSplit;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.intake.RejectionReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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

    private void touch(String relative) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.write(p, new byte[] {1});
    }
}
