package dev.spavl.contracts;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * BACKWARD compatibility, the registry's global rule: the current schema (reader) must read data
 * written with every released version (writer) kept under schemas/history/<Record>/vN.avsc.
 * Releasing a schema change = adding its full text as the next vN (see schemas/README.md).
 */
class SchemaHistoryCompatibilityTest {

    private static final Path HISTORY = Path.of("history");

    @Test
    void everyRecordHasAReleasedVersion() {
        for (Schema s : EventSchemas.ALL) {
            assertThat(HISTORY.resolve(s.getName()).resolve("v1.avsc"))
                    .as("released version 1 of %s", s.getName()).exists();
        }
    }

    @Test
    void historyHoldsNoStrayRecords() throws IOException {
        try (Stream<Path> dirs = Files.list(HISTORY)) {
            dirs.filter(Files::isDirectory).forEach(d ->
                    assertThat(EventSchemas.byName(d.getFileName().toString()))
                            .as("history folder %s names a current record", d.getFileName()).isNotNull());
        }
    }

    @TestFactory
    Stream<DynamicTest> currentSchemaReadsEveryReleasedVersion() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Schema current : EventSchemas.ALL) {
            Path dir = HISTORY.resolve(current.getName());
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> versions = Files.list(dir)) {
                versions.filter(p -> p.toString().endsWith(".avsc")).sorted().forEach(v ->
                        tests.add(DynamicTest.dynamicTest(current.getName() + " reads " + v.getFileName(), () -> {
                            Schema released = new Schema.Parser().parse(v.toFile());
                            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released);
                            assertThat(result.getType())
                                    .as("%s vs %s: %s", current.getName(), v, result.getDescription())
                                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
                        })));
            }
        }
        return tests.stream();
    }

    @Test
    void theCheckRejectsABreakingChange() {
        // guards the guard: a new required field without default must fail against v1
        Schema released = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"}]}");
        Schema breaking = new Schema.Parser().parse(
                "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"string\"},{\"name\":\"b\",\"type\":\"int\"}]}");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(breaking, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }
}
