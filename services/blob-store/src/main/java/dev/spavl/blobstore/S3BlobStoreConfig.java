package dev.spavl.blobstore;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Settings of an {@link S3BlobStore} (AWS S3, MinIO, Ceph RGW or any S3-compatible store).
 *
 * @param bucket          bucket name, required; it must already exist
 * @param prefix          key prefix such as {@code spavl/images}, null or blank for none; slashes
 *                        at either end are dropped, segments are {@code [A-Za-z0-9._-]+}
 * @param endpoint        endpoint override such as {@code http://127.0.0.1:9000} for MinIO/Ceph,
 *                        null for AWS S3
 * @param region          signing region; null means {@code us-east-1} when an endpoint is set
 *                        (MinIO and Ceph accept it) and the SDK's default region chain otherwise
 * @param pathStyle       {@code http://host/bucket/key} instead of {@code http://bucket.host/key};
 *                        MinIO and Ceph usually need true
 * @param accessKeyId     static access key id; null (with a null secret) for the SDK's default
 *                        credentials provider chain (env, system properties, profile, IMDS, ...)
 * @param secretAccessKey static secret, given together with {@code accessKeyId}
 */
public record S3BlobStoreConfig(
        String bucket,
        String prefix,
        URI endpoint,
        String region,
        boolean pathStyle,
        String accessKeyId,
        String secretAccessKey) {

    // relaxed on purpose: legacy AWS and Ceph buckets may have upper case and underscores
    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{1,254}");
    private static final Pattern PREFIX_SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");

    public S3BlobStoreConfig {
        if (bucket == null || !BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("S3 bucket must be 2-255 characters of letters, digits, "
                    + "'.', '_' or '-' starting with a letter or digit, was: " + bucket);
        }
        prefix = normalizePrefix(prefix);
        if (endpoint != null) {
            String scheme = endpoint.getScheme();
            if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException(
                        "S3 endpoint must be an absolute http(s) URI with a host, was: " + endpoint);
            }
        }
        region = blankToNull(region);
        accessKeyId = blankToNull(accessKeyId);
        secretAccessKey = blankToNull(secretAccessKey);
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException("S3 access key id and secret access key must be given "
                    + "together (or neither, for the default credentials chain)");
        }
    }

    /** Config for a bucket with everything else defaulted (AWS, default chains, no prefix). */
    public static S3BlobStoreConfig ofBucket(String bucket) {
        return new S3BlobStoreConfig(bucket, null, null, null, false, null, null);
    }

    public S3BlobStoreConfig withPrefix(String prefix) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey);
    }

    public S3BlobStoreConfig withEndpoint(URI endpoint) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey);
    }

    public S3BlobStoreConfig withRegion(String region) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey);
    }

    public S3BlobStoreConfig withPathStyle(boolean pathStyle) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey);
    }

    public S3BlobStoreConfig withCredentials(String accessKeyId, String secretAccessKey) {
        return new S3BlobStoreConfig(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey);
    }

    /** Whether explicit credentials replace the default provider chain. */
    public boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpoint);
    }

    /** The region actually used, or empty to let the SDK's default region chain decide. */
    public Optional<String> effectiveRegion() {
        if (region != null) {
            return Optional.of(region);
        }
        return endpoint != null ? Optional.of("us-east-1") : Optional.empty();
    }

    /** {@code prefix + "/"}, or empty when there is no prefix: what object keys start with. */
    String keyPrefix() {
        return prefix.isEmpty() ? "" : prefix + "/";
    }

    /** Masks the secret: configs end up in logs. */
    @Override
    public String toString() {
        return "S3BlobStoreConfig[bucket=" + bucket + ", prefix=" + prefix + ", endpoint=" + endpoint
                + ", region=" + region + ", pathStyle=" + pathStyle + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? null : "****") + "]";
    }

    private static String normalizePrefix(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return "";
        }
        String p = prefix.strip();
        int start = 0;
        int end = p.length();
        while (start < end && p.charAt(start) == '/') {
            start++;
        }
        while (end > start && p.charAt(end - 1) == '/') {
            end--;
        }
        p = p.substring(start, end);
        if (p.isEmpty()) {
            return "";
        }
        for (String segment : p.split("/", -1)) {
            if (!PREFIX_SEGMENT.matcher(segment).matches() || segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("S3 key prefix segments must be [A-Za-z0-9._-]+ and not "
                        + "'.' or '..' (no empty segments), was: " + prefix);
            }
        }
        return p;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
