package dev.spavl.blobstore;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Builds a {@link BlobStore} from flat {@code spavl.blob-store.*} settings. A plain factory on
 * purpose: services map their own {@code @ConfigMapping} onto these keys, so this module stays free
 * of Quarkus/CDI. Absent and blank values both mean "use the default".
 */
public final class BlobStores {

    public static final String PREFIX = "spavl.blob-store.";
    /** {@code filesystem} (default) or {@code s3}. */
    public static final String KIND = PREFIX + "kind";
    /** Filesystem root directory; default {@value #DEFAULT_ROOT}. */
    public static final String ROOT = PREFIX + "root";
    public static final String S3_BUCKET = PREFIX + "s3.bucket";
    public static final String S3_PREFIX = PREFIX + "s3.prefix";
    public static final String S3_ENDPOINT = PREFIX + "s3.endpoint";
    public static final String S3_REGION = PREFIX + "s3.region";
    public static final String S3_PATH_STYLE = PREFIX + "s3.path-style";
    public static final String S3_ACCESS_KEY_ID = PREFIX + "s3.access-key-id";
    public static final String S3_SECRET_ACCESS_KEY = PREFIX + "s3.secret-access-key";

    public static final String KIND_FILESYSTEM = "filesystem";
    public static final String KIND_S3 = "s3";
    public static final String DEFAULT_ROOT = "./.spavl/blobs";

    private BlobStores() {
    }

    /**
     * A store for these settings; the caller closes it.
     *
     * @throws IllegalArgumentException when a setting is invalid or a required one is missing
     */
    /**
     * From a service's configuration (e.g. MicroProfile Config's property names and values): every
     * {@code spavl.blob-store.*} key, environment overrides included.
     */
    public static BlobStore fromConfig(Iterable<String> names, java.util.function.Function<String, java.util.Optional<String>> value) {
        Map<String, String> settings = new java.util.HashMap<>();
        for (String name : names) {
            if (name.startsWith("spavl.blob-store.")) {
                value.apply(name).ifPresent(v -> settings.put(name, v));
            }
        }
        return fromConfig(settings);
    }

    public static BlobStore fromConfig(Map<String, String> config) {
        Objects.requireNonNull(config, "config");
        String kind = value(config, KIND, KIND_FILESYSTEM).toLowerCase(Locale.ROOT);
        return switch (kind) {
            case KIND_FILESYSTEM -> new FileSystemBlobStore(Path.of(value(config, ROOT, DEFAULT_ROOT)));
            case KIND_S3 -> new S3BlobStore(s3Config(config));
            default -> throw new IllegalArgumentException(
                    KIND + " must be '" + KIND_FILESYSTEM + "' or '" + KIND_S3 + "', was: " + kind);
        };
    }

    /**
     * The S3 settings of {@code config} ({@code spavl.blob-store.s3.*}).
     *
     * @throws IllegalArgumentException when the bucket is missing or a value is invalid
     */
    public static S3BlobStoreConfig s3Config(Map<String, String> config) {
        String bucket = value(config, S3_BUCKET, null);
        if (bucket == null) {
            throw new IllegalArgumentException(S3_BUCKET + " is required when " + KIND + "=" + KIND_S3);
        }
        String endpointText = value(config, S3_ENDPOINT, null);
        URI endpoint = null;
        if (endpointText != null) {
            try {
                endpoint = URI.create(endpointText);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(S3_ENDPOINT + " is not a URI: " + endpointText, e);
            }
        }
        // path style defaults to on with an endpoint override: MinIO and Ceph are rarely set up
        // for virtual-host buckets, while AWS S3 (no override) wants virtual-host style
        boolean pathStyle = bool(config, S3_PATH_STYLE, endpoint != null);
        return new S3BlobStoreConfig(
                bucket,
                value(config, S3_PREFIX, null),
                endpoint,
                value(config, S3_REGION, null),
                pathStyle,
                value(config, S3_ACCESS_KEY_ID, null),
                value(config, S3_SECRET_ACCESS_KEY, null));
    }

    private static String value(Map<String, String> config, String key, String dflt) {
        String v = config.get(key);
        return v == null || v.isBlank() ? dflt : v.strip();
    }

    private static boolean bool(Map<String, String> config, String key, boolean dflt) {
        String v = value(config, key, null);
        if (v == null) {
            return dflt;
        }
        // strict: Boolean.parseBoolean would turn a typo into a silent false
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, was: " + v);
        };
    }
}
