package dev.spavl.contracts.serde;

import io.apicurio.registry.serde.avro.AvroDatumProvider;
import io.apicurio.registry.serde.avro.AvroSchemaUtils;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.avro.DefaultAvroDatumProvider;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Apicurio's Avro datum provider ({@value AvroSerdeConfig#AVRO_DATUM_PROVIDER}) with the readers and writers kept
 * by schema, found without work per record. It makes the same readers and writers as Apicurio's
 * {@code DefaultAvroDatumProvider}: a specific reader (the writer's schema resolved against the generated class's)
 * when {@value AvroSerdeConfig#USE_SPECIFIC_AVRO_READER} is on, a generic one otherwise or for a primitive schema;
 * a specific writer for a generated record, a generic one for anything else.
 *
 * <p>Apicurio 3.1's default provider keeps its readers and writers too, but keyed by the schema's parsing
 * fingerprint, which it computes for every record: the schema's canonical form written out as text, then hashed.
 * That was 1.4 to 2.4% of each service's CPU (docs/benchmarks.md, issue 21). Here the key is the {@link Schema}
 * itself: its hash code is computed once per instance and kept, and the registry client hands out the same
 * instance for a schema until its cache entry expires. A new but equal instance (parsed again after that expiry) is
 * compared by content once, then takes the old one's place.
 *
 * <p>Each thread has its own instances. A writer keeps no state between writes, but a {@link GenericDatumReader}
 * builds its fast reader lazily in a plain field on first use, and Avro documents no guarantee for sharing one across
 * threads. A serde is mostly used by one thread (a consumer's poll loop), so this costs one reader per schema.
 */
public class CachingAvroDatumProvider<T> implements AvroDatumProvider<T> {

    /** Schemas kept per thread and kind; past it the thread's instances are dropped and made again as used. */
    static final int MAX_SCHEMAS = 64;

    private volatile boolean specificReader;

    /** Apicurio's own, for {@link #toSchema} only (which value has which schema); its caches stay unused. */
    private final DefaultAvroDatumProvider<T> schemas = new DefaultAvroDatumProvider<>();

    private final ThreadLocal<PerSchema<DatumReader<T>>> readers = ThreadLocal.withInitial(PerSchema::new);
    private final ThreadLocal<PerSchema<DatumWriter<T>>> specificWriters = ThreadLocal.withInitial(PerSchema::new);
    private final ThreadLocal<PerSchema<DatumWriter<T>>> genericWriters = ThreadLocal.withInitial(PerSchema::new);

    public CachingAvroDatumProvider() {
    }

    /** For tests and hand-built serdes; the serdes call {@link #configure} with their configuration. */
    public CachingAvroDatumProvider(boolean specificReader) {
        this.specificReader = specificReader;
    }

    @Override
    public void configure(AvroSerdeConfig config) {
        specificReader = config.useSpecificAvroReader();
    }

    @Override
    public DatumWriter<T> createDatumWriter(T data, Schema schema) {
        return data instanceof SpecificRecord
                ? specificWriters.get().get(schema, SpecificDatumWriter::new)
                : genericWriters.get().get(schema, GenericDatumWriter::new);
    }

    @Override
    public DatumReader<T> createDatumReader(Schema schema) {
        return readers.get().get(schema, this::newReader);
    }

    @Override
    public Schema toSchema(T data) {
        return schemas.toSchema(data);
    }

    private DatumReader<T> newReader(Schema writer) {
        if (specificReader && !AvroSchemaUtils.isPrimitive(writer)) {
            Class<?> type = SpecificData.get().getClass(writer);
            if (type == null) {
                throw new IllegalArgumentException("no generated class for " + writer.getFullName()
                        + ", the writer's schema, to read it into");
            }
            return new SpecificDatumReader<>(writer, SpecificData.get().getSchema(type));
        }
        return new GenericDatumReader<>(writer);
    }

    /** One thread's instances by schema (equal schemas share one). Not thread-safe: held in a ThreadLocal. */
    static final class PerSchema<V> {

        private record Kept<V>(Schema schema, V value) {
        }

        private final Map<Schema, Kept<V>> kept = new HashMap<>();

        V get(Schema schema, Function<Schema, V> create) {
            // the same instance: its kept hash code, then == (Schema.equals checks identity first)
            Kept<V> k = kept.get(schema);
            if (k == null) {
                if (kept.size() >= MAX_SCHEMAS) {
                    kept.clear();
                }
                k = new Kept<>(schema, create.apply(schema));
                kept.put(schema, k);
            } else if (k.schema() != schema) {
                // an equal schema parsed again: keyed by the new instance, so its next lookups compare by identity
                kept.remove(schema);
                k = new Kept<>(schema, k.value());
                kept.put(schema, k);
            }
            return k.value();
        }

        int size() {
            return kept.size();
        }
    }
}
