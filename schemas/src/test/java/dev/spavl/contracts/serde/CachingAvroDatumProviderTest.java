package dev.spavl.contracts.serde;

import dev.spavl.events.ResponseOutcome;
import dev.spavl.events.ResponseStatus;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The caching datum provider makes what Apicurio's default does, once per schema and thread. */
class CachingAvroDatumProviderTest {

    private static final Path HISTORY = Path.of("history");

    private static ResponseOutcome answer(String question, String text) {
        return ResponseOutcome.newBuilder().setEventId("e-" + question).setRunId("run-1")
                .setOccurredAt(Instant.parse("2026-12-07T10:15:30.123Z")).setQuestionId(question).setModelId("m-a")
                .setStatus(ResponseStatus.OK).setText(text).setTokensIn(10).setTokensOut(20)
                .setCostUsd(new BigDecimal("0.00012345")).setSimulated(true).setQuestion("What is shown?").build();
    }

    private static <T> byte[] write(DatumWriter<T> writer, T value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        writer.write(value, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static <T> T read(DatumReader<T> reader, byte[] bytes) throws IOException {
        return reader.read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }

    @Test
    void roundTripsOurRecordsWithTheSameInstancesPerSchema() throws IOException {
        CachingAvroDatumProvider<ResponseOutcome> provider = new CachingAvroDatumProvider<>(true);
        ResponseOutcome a = answer("q-1", "an answer");
        Schema schema = provider.toSchema(a);
        assertThat(schema).isSameAs(ResponseOutcome.getClassSchema());

        DatumWriter<ResponseOutcome> writer = provider.createDatumWriter(a, schema);
        DatumReader<ResponseOutcome> reader = provider.createDatumReader(schema);
        assertThat(read(reader, write(writer, a))).isEqualTo(a);
        ResponseOutcome b = answer("q-2", null);
        assertThat(read(reader, write(writer, b))).isEqualTo(b);

        assertThat(provider.createDatumWriter(b, schema)).isSameAs(writer);
        assertThat(provider.createDatumReader(schema)).isSameAs(reader);
    }

    @Test
    void anEqualSchemaParsedAgainGetsTheSameInstances() throws IOException {
        // what the registry client hands out after its cache entry for the schema expired: the same text, parsed again
        CachingAvroDatumProvider<ResponseOutcome> provider = new CachingAvroDatumProvider<>(true);
        Schema first = new Schema.Parser().parse(ResponseOutcome.getClassSchema().toString());
        Schema again = new Schema.Parser().parse(ResponseOutcome.getClassSchema().toString());
        assertThat(again).isNotSameAs(first).isEqualTo(first);

        DatumReader<ResponseOutcome> reader = provider.createDatumReader(first);
        assertThat(provider.createDatumReader(again)).isSameAs(reader);
        assertThat(provider.createDatumReader(again)).isSameAs(reader);
        assertThat(provider.createDatumReader(first)).isSameAs(reader);
        ResponseOutcome a = answer("q-1", "an answer");
        assertThat(provider.createDatumWriter(a, again)).isSameAs(provider.createDatumWriter(a, first));
        assertThat(read(provider.createDatumReader(again), write(provider.createDatumWriter(a, again), a))).isEqualTo(a);
    }

    @Test
    void readsDataOfAnOlderReleasedSchemaIntoTheCurrentClass() throws IOException {
        // ResponseOutcome v1 has no "question" field: the current class reads it as its default, null
        Schema v1 = new Schema.Parser().parse(HISTORY.resolve("ResponseOutcome").resolve("v1.avsc").toFile());
        assertThat(v1.getField("question")).isNull();
        ResponseOutcome current = answer("q-1", "an answer");
        GenericRecord old = read(new GenericDatumReader<>(ResponseOutcome.getClassSchema(), v1),
                write(new SpecificDatumWriter<>(ResponseOutcome.getClassSchema()), current));
        byte[] v1Bytes = write(new GenericDatumWriter<>(v1), old);

        CachingAvroDatumProvider<ResponseOutcome> provider = new CachingAvroDatumProvider<>(true);
        DatumReader<ResponseOutcome> fromV1 = provider.createDatumReader(v1);
        ResponseOutcome read = read(fromV1, v1Bytes);
        assertThat(read.getQuestion()).isNull();
        assertThat(read).usingRecursiveComparison().ignoringFields("question").isEqualTo(current);
        // the two writer schemas, the old and the current, keep their own readers
        DatumReader<ResponseOutcome> fromCurrent = provider.createDatumReader(ResponseOutcome.getClassSchema());
        assertThat(fromCurrent).isNotSameAs(fromV1);
        assertThat(provider.createDatumReader(v1)).isSameAs(fromV1);
        assertThat(read(fromCurrent, write(provider.createDatumWriter(current, current.getSchema()), current))).isEqualTo(current);
        assertThat(read(provider.createDatumReader(v1), v1Bytes)).isEqualTo(read);
    }

    @Test
    void aGenericReaderWhenSpecificReadingIsOff() throws IOException {
        CachingAvroDatumProvider<Object> provider = new CachingAvroDatumProvider<>();
        provider.configure(new AvroSerdeConfig(Map.of()));
        ResponseOutcome a = answer("q-1", "an answer");
        Schema schema = ResponseOutcome.getClassSchema();
        Object read = read(provider.createDatumReader(schema), write(provider.createDatumWriter(a, schema), a));
        assertThat(read).isInstanceOf(GenericData.Record.class);
        assertThat(((GenericRecord) read).get("question_id").toString()).isEqualTo("q-1");
        // a generic record is written by a generic writer, kept apart from the specific one
        GenericData.Record generic = (GenericData.Record) read;
        assertThat(provider.createDatumWriter(generic, schema)).isInstanceOf(GenericDatumWriter.class)
                .isNotSameAs(provider.createDatumWriter(a, schema)).isSameAs(provider.createDatumWriter(generic, schema));
    }

    @Test
    void eachThreadHasItsOwnInstancesAndReadsCorrectly() throws Exception {
        CachingAvroDatumProvider<ResponseOutcome> provider = new CachingAvroDatumProvider<>(true);
        Schema schema = ResponseOutcome.getClassSchema();
        DatumReader<ResponseOutcome> mine = provider.createDatumReader(schema);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<DatumReader<ResponseOutcome>>> theirs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                theirs.add(pool.submit(() -> {
                    DatumReader<ResponseOutcome> reader = provider.createDatumReader(schema);
                    for (int i = 0; i < 500; i++) {
                        ResponseOutcome a = answer("q-" + thread + "-" + i, "answer " + i);
                        assertThat(provider.createDatumReader(schema)).isSameAs(reader);
                        assertThat(read(reader, write(provider.createDatumWriter(a, schema), a))).isEqualTo(a);
                    }
                    return reader;
                }));
            }
            for (Future<DatumReader<ResponseOutcome>> f : theirs) {
                assertThat(f.get()).isNotSameAs(mine);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void keepsAtMostItsBoundOfSchemasPerThread() {
        CachingAvroDatumProvider.PerSchema<String> kept = new CachingAvroDatumProvider.PerSchema<>();
        for (int i = 0; i < CachingAvroDatumProvider.MAX_SCHEMAS * 3; i++) {
            Schema s = Schema.createRecord("R" + i, null, "dev.spavl.test", false, List.of());
            assertThat(kept.get(s, x -> x.getName())).isEqualTo("R" + i);
            assertThat(kept.size()).isLessThanOrEqualTo(CachingAvroDatumProvider.MAX_SCHEMAS);
        }
    }

    @Test
    void apicurioSerdesTakeItFromTheirConfiguration() throws Exception {
        // the configuration key the services set: Apicurio instantiates the class by name and configures it
        Map<String, Object> config = Map.of(AvroSerdeConfig.AVRO_DATUM_PROVIDER, CachingAvroDatumProvider.class.getName(),
                AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, true, "apicurio.registry.url", "http://127.0.0.1:1/apis/registry/v2");
        try (AvroKafkaSerializer<ResponseOutcome> serializer = new AvroKafkaSerializer<>();
                AvroKafkaDeserializer<ResponseOutcome> deserializer = new AvroKafkaDeserializer<>()) {
            serializer.configure(config, false);
            deserializer.configure(config, false);
            assertThat(provider(serializer)).isInstanceOf(CachingAvroDatumProvider.class);
            assertThat(provider(deserializer)).isInstanceOf(CachingAvroDatumProvider.class);
        }
    }

    private static Object provider(Object serde) throws ReflectiveOperationException {
        // the serde keeps its Avro half (AvroSerializer / AvroDeserializer) in a field; that one holds the provider
        for (Class<?> c = serde.getClass(); c != null; c = c.getSuperclass()) {
            for (var f : c.getDeclaredFields()) {
                f.setAccessible(true);
                Object value = f.get(serde);
                if (value == null) {
                    continue;
                }
                if (f.getName().equals("avroDatumProvider")) {
                    return value;
                }
                if (value.getClass().getName().startsWith("io.apicurio.registry.serde.avro.Avro")) {
                    Object inner = provider(value);
                    if (inner != null) {
                        return inner;
                    }
                }
            }
        }
        return null;
    }
}
