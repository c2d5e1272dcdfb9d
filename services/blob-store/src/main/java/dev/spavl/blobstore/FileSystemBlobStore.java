package dev.spavl.blobstore;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Blob store on a local (or mounted, shared) directory. Blobs live at
 * {@code <root>/sha256/ab/cd/<hex>} and are named by {@code file:} URIs of those paths.
 *
 * <p>Writes go to a temp file in the blob's own directory, are fsynced, then renamed with
 * {@code ATOMIC_MOVE}, so readers never see a partial blob and concurrent puts of the same bytes
 * cannot corrupt each other (each renames a complete, identical file). Under such a race more than
 * one caller may get {@code created=true}; the stored content is the same either way.
 *
 * <p>{@link #get} only serves files under the root: URIs with {@code ..} segments, paths outside
 * the root and symlinks whose target leaves the root are refused with IllegalArgumentException.
 */
public final class FileSystemBlobStore implements BlobStore {

    private final Path root;

    /**
     * Creates the root directory if needed.
     *
     * @throws BlobStoreException when the root cannot be created or resolved
     */
    public FileSystemBlobStore(Path root) {
        Objects.requireNonNull(root, "root");
        try {
            Files.createDirectories(root);
            // real path: URIs are stable and the symlink-escape check compares like with like
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new BlobStoreException("cannot create blob store root " + root, e);
        }
    }

    /** The resolved (real, absolute) root directory. */
    public Path root() {
        return root;
    }

    @Override
    public StoredBlob put(byte[] bytes, String mime) {
        Objects.requireNonNull(bytes, "bytes");
        String sha = BlobKeys.sha256Hex(bytes);
        Path target = pathOf(sha);
        URI uri = target.toUri();
        try {
            // same size = same content (the name is its hash); a wrong size means a damaged file,
            // which this put repairs by writing it again
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return new StoredBlob(uri, sha, bytes.length, false);
            }
            Files.createDirectories(target.getParent());
            Path tmp = Files.createTempFile(target.getParent(), "." + sha.substring(0, 16) + "-", ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.wrap(bytes);
                    while (buf.hasRemaining()) {
                        ch.write(buf);
                    }
                    // durable before it becomes visible under its final name
                    ch.force(true);
                }
                return new StoredBlob(uri, sha, bytes.length, moveIntoPlace(tmp, target));
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new BlobStoreException("cannot store blob " + uri, e);
        }
    }

    /** Returns whether this call created the file (false when a concurrent put won). */
    private static boolean moveIntoPlace(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (AtomicMoveNotSupportedException e) {
            // no atomic rename here: a plain move still never exposes a partial file under the
            // final name on POSIX, and it refuses to replace a blob another writer finished
            try {
                Files.move(tmp, target);
                return true;
            } catch (FileAlreadyExistsException raced) {
                return false;
            }
        }
    }

    @Override
    public byte[] get(URI uri) {
        Path file = resolveInsideRoot(uri);
        String expected = BlobKeys.sha256OfKey(keyOf(file, uri));
        byte[] bytes;
        try {
            // toRealPath follows every symlink (file and parent dirs) and fails when missing;
            // reading the real path means the checked file is the one read
            Path real = file.toRealPath();
            if (!real.startsWith(root)) {
                throw new IllegalArgumentException(
                        "blob URI " + uri + " resolves via a symlink to " + real
                                + ", outside the blob store root " + root);
            }
            bytes = Files.readAllBytes(real);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(uri, e);
        } catch (IOException e) {
            throw new BlobStoreException("cannot read blob " + uri, e);
        }
        String actual = BlobKeys.sha256Hex(bytes);
        if (!actual.equals(expected)) {
            throw new BlobIntegrityException(uri, expected, actual);
        }
        return bytes;
    }

    @Override
    public boolean exists(String sha256) {
        return Files.isRegularFile(pathOf(sha256));
    }

    @Override
    public URI uriOf(String sha256) {
        return pathOf(sha256).toUri();
    }

    private Path pathOf(String sha256) {
        return root.resolve(BlobKeys.keyOf(sha256));
    }

    private Path resolveInsideRoot(URI uri) {
        Objects.requireNonNull(uri, "uri");
        if (!"file".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException(
                    "not a filesystem blob URI (file: expected): " + uri);
        }
        String path = uri.getPath();
        if (uri.isOpaque() || path == null) {
            throw new IllegalArgumentException("malformed file: blob URI (absolute path expected): " + uri);
        }
        if (path.contains("/../") || path.endsWith("/..")
                || path.contains("/./") || path.endsWith("/.")) {
            // refused outright rather than normalized: a canonical blob URI never has them
            throw new IllegalArgumentException("blob URI with path traversal refused: " + uri);
        }
        Path p;
        try {
            p = Path.of(uri);
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new IllegalArgumentException("malformed file: blob URI " + uri + ": " + e.getMessage(), e);
        }
        p = p.normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException(
                    "blob URI " + uri + " is outside the blob store root " + root);
        }
        return p;
    }

    private String keyOf(Path file, URI uri) {
        String key = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        try {
            BlobKeys.sha256OfKey(key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("blob URI " + uri + " does not name a content key under "
                    + root + ": " + e.getMessage(), e);
        }
        return key;
    }
}
