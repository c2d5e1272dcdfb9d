package dev.spavl.contracts;

import org.apache.avro.Schema;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every .avsc parses on its own terms and documents itself. */
class SchemaContractTest {

    private static final Path AVRO_DIR = Path.of("src/main/avro");

    @TestFactory
    Stream<DynamicTest> everySchemaFileParses() throws IOException {
        // the shared types must parse first; one Parser keeps the names they define
        Schema.Parser parser = new Schema.Parser();
        List<Path> files = new ArrayList<>();
        try (Stream<Path> common = Files.list(AVRO_DIR.resolve("common"))) {
            common.sorted().forEach(files::add);
        }
        try (Stream<Path> records = Files.list(AVRO_DIR)) {
            records.filter(p -> p.toString().endsWith(".avsc")).sorted().forEach(files::add);
        }
        // Answer refers to nothing, enums to nothing: files in common need no order among themselves
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            try (InputStream in = Files.newInputStream(f)) {
                Schema s = parser.parse(in);
                assertThat(s.getNamespace()).isEqualTo("dev.spavl.events");
                assertThat(s.getDoc()).as("doc of %s", s.getName()).isNotBlank();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyFieldHasADocString() {
        return EventSchemas.ALL.stream().map(s -> DynamicTest.dynamicTest(s.getName(), () -> assertDocumented(s)));
    }

    @TestFactory
    Stream<DynamicTest> everyEventCarriesTheEnvelope() {
        return EventSchemas.ALL.stream().map(s -> DynamicTest.dynamicTest(s.getName(), () -> {
            assertThat(s.getField("event_id")).as("event_id").isNotNull();
            assertThat(s.getField("run_id")).as("run_id").isNotNull();
            Schema occurredAt = s.getField("occurred_at").schema();
            assertThat(occurredAt.getLogicalType()).as("occurred_at logical type").isNotNull();
            assertThat(occurredAt.getLogicalType().getName()).isEqualTo("timestamp-millis");
        }));
    }

    private static void assertDocumented(Schema record) {
        for (Schema.Field f : record.getFields()) {
            assertThat(f.doc()).as("doc of %s.%s", record.getFullName(), f.name()).isNotBlank();
            for (Schema nested : nestedRecords(f.schema())) {
                assertDocumented(nested);
            }
        }
    }

    private static List<Schema> nestedRecords(Schema s) {
        return switch (s.getType()) {
            case RECORD -> List.of(s);
            case UNION -> s.getTypes().stream().flatMap(t -> nestedRecords(t).stream()).toList();
            case ARRAY -> nestedRecords(s.getElementType());
            case MAP -> nestedRecords(s.getValueType());
            default -> List.of();
        };
    }
}
