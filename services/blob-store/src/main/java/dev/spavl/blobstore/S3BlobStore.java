package dev.spavl.blobstore;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Blob store on an S3-compatible object store (AWS S3, MinIO, Ceph RGW) through the AWS SDK v2
 * with the JDK-based url-connection HTTP client.
 *
 * <p>Objects live at {@code <prefix>/sha256/ab/cd/<hex>} in the configured bucket (which must
 * exist) and are named by {@code s3://<bucket>/<key>} URIs. {@link #put} asks HeadObject first and
 * skips the upload when the key exists; uploads carry Content-MD5 so the server rejects bytes
 * damaged in transit, Content-Type, and the sha256 as user metadata ({@code x-amz-meta-sha256}).
 * {@link #get} re-hashes what it downloads.
 *
 * <p>The SDK's newer default checksums (CRC trailers in aws-chunked bodies) are switched to
 * "when required" because several S3-compatible servers reject them; Content-MD5 works everywhere.
 */
public final class S3BlobStore implements BlobStore {

    private static final String DEFAULT_MIME = "application/octet-stream";
    /** User metadata key holding the hex sha256, for people and tools browsing the bucket. */
    public static final String SHA256_METADATA = "sha256";

    private final S3Client s3;
    private final boolean ownsClient;
    private final String bucket;
    private final String keyPrefix;

    /** Builds (and on {@link #close()} closes) its own client from {@code config}. */
    public S3BlobStore(S3BlobStoreConfig config) {
        this(config, newClient(config), true);
    }

    /**
     * Uses a client the caller configured and keeps owning (it is not closed here); only the bucket
     * and prefix of {@code config} are used.
     */
    public S3BlobStore(S3BlobStoreConfig config, S3Client client) {
        this(config, client, false);
    }

    private S3BlobStore(S3BlobStoreConfig config, S3Client client, boolean ownsClient) {
        Objects.requireNonNull(config, "config");
        this.s3 = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.bucket = config.bucket();
        this.keyPrefix = config.keyPrefix();
    }

    /** A client for {@code config}: endpoint, region, path style and credentials applied. */
    public static S3Client newClient(S3BlobStoreConfig config) {
        S3ClientBuilder b = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .credentialsProvider(credentials(config));
        config.endpointOverride().ifPresent(b::endpointOverride);
        config.effectiveRegion().ifPresent(r -> b.region(Region.of(r)));
        return b.build();
    }

    private static AwsCredentialsProvider credentials(S3BlobStoreConfig config) {
        if (config.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(config.accessKeyId(), config.secretAccessKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }

    public String bucket() {
        return bucket;
    }

    @Override
    public StoredBlob put(byte[] bytes, String mime) {
        Objects.requireNonNull(bytes, "bytes");
        String sha = BlobKeys.sha256Hex(bytes);
        String key = keyOf(sha);
        URI uri = uriOfKey(key);
        try {
            HeadObjectResponse head = head(key);
            // same size = same content (the key is its hash); a wrong size means a damaged object,
            // which this put repairs by uploading it again
            if (head != null && head.contentLength() != null && head.contentLength() == bytes.length) {
                return new StoredBlob(uri, sha, bytes.length, false);
            }
            s3.putObject(r -> r.bucket(bucket)
                            .key(key)
                            .contentType(mime == null || mime.isBlank() ? DEFAULT_MIME : mime)
                            .contentLength((long) bytes.length)
                            .contentMD5(md5Base64(bytes))
                            .metadata(Map.of(SHA256_METADATA, sha)),
                    RequestBody.fromBytes(bytes));
            return new StoredBlob(uri, sha, bytes.length, true);
        } catch (SdkException e) {
            throw new BlobStoreException("cannot store blob " + uri + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] get(URI uri) {
        String key = keyOfUri(uri);
        String expected = BlobKeys.sha256OfKey(key.substring(keyPrefix.length()));
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArrayUnsafe();
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(uri, e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new BlobNotFoundException(uri, e);
            }
            throw new BlobStoreException("cannot read blob " + uri + ": " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BlobStoreException("cannot read blob " + uri + ": " + e.getMessage(), e);
        }
        String actual = BlobKeys.sha256Hex(bytes);
        if (!actual.equals(expected)) {
            throw new BlobIntegrityException(uri, expected, actual);
        }
        return bytes;
    }

    @Override
    public boolean exists(String sha256) {
        String key = keyOf(sha256);
        try {
            return head(key) != null;
        } catch (SdkException e) {
            throw new BlobStoreException("cannot check blob " + uriOfKey(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public URI uriOf(String sha256) {
        return uriOfKey(keyOf(sha256));
    }

    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }

    /** The object key for content with this sha256, prefix included. */
    String keyOf(String sha256) {
        return keyPrefix + BlobKeys.keyOf(sha256);
    }

    URI uriOfKey(String key) {
        try {
            // authority form, not host: legacy bucket names (underscores) are not valid host names
            return new URI("s3", bucket, "/" + key, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bucket and prefix were validated: " + e.getMessage(), e);
        }
    }

    /** The object key named by an {@code s3://<bucket>/<prefix>sha256/..} URI of this store. */
    String keyOfUri(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"s3".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("not an S3 blob URI (s3: expected): " + uri);
        }
        if (!bucket.equals(uri.getRawAuthority())) {
            throw new IllegalArgumentException("blob URI " + uri + " is not in this store's bucket '"
                    + bucket + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("S3 blob URI must not have a query or fragment: " + uri);
        }
        String path = uri.getRawPath();
        if (path == null || !path.startsWith("/" + keyPrefix)) {
            throw new IllegalArgumentException("blob URI " + uri + " is not under this store's key prefix '"
                    + keyPrefix + "'");
        }
        String key = path.substring(1);
        try {
            BlobKeys.sha256OfKey(key.substring(keyPrefix.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("blob URI " + uri + " does not name a content key: "
                    + e.getMessage(), e);
        }
        return key;
    }

    /** HeadObject, or null when the key does not exist. */
    private HeadObjectResponse head(String key) {
        try {
            return s3.headObject(r -> r.bucket(bucket).key(key));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (S3Exception e) {
            // HEAD responses have no body, so some servers' 404s are not mapped to NoSuchKey
            if (e.statusCode() == 404) {
                return null;
            }
            throw e;
        }
    }

    private static String md5Base64(byte[] bytes) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide MD5
            throw new IllegalStateException(e);
        }
    }
}
