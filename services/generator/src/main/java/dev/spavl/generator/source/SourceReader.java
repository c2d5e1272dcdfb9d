package dev.spavl.generator.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.spavl.contracts.splits.SplitKeys;
import dev.spavl.events.DatasetSplit;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.intake.RejectionReason;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads a run's input into rows: an SPA-VL style folder tree {@code class1/class2/class3/<name>.jpg|png|webp}
 * (the released train.zip layout) or a manifest (JSON Lines or CSV) with per image {@code path} or
 * {@code url}, optional {@code caption}, {@code class1..3}, {@code description}, {@code split}. A bad row becomes a
 * {@link RowProblem}; reading goes on. Blocking (file IO): call it off the event loop.
 */
public final class SourceReader {

    private static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png", "webp");
    private static final Set<String> MANIFEST_FIELDS = Set.of("path", "url", "caption", "description",
            "class1", "class2", "class3", "image_name", "name", "split");

    private final ObjectMapper json = new ObjectMapper();
    /** Reads one record (already split by CsvRecords) into its fields. */
    private final ObjectReader csvRecord = new CsvMapper().enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.WRAP_AS_ARRAY).readerFor(String[].class).with(CsvSchema.emptySchema());
    private final InputRoots roots;
    private final ManifestLimits limits;

    /** A reader with {@link ManifestLimits#defaults()}. */
    public SourceReader(InputRoots roots) {
        this(roots, ManifestLimits.defaults());
    }

    public SourceReader(InputRoots roots, ManifestLimits limits) {
        this.roots = roots;
        this.limits = limits;
    }

    /**
     * @throws SourceException when the source as a whole cannot be read (missing, outside the input roots)
     */
    public SourceListing read(SourceKind kind, String source) {
        return ImageNames.unique(switch (kind) {
            case FOLDER_TREE -> readTree(roots.resolveInside(source));
            case MANIFEST_JSONL -> readJsonLines(roots.resolveInside(source));
            case MANIFEST_CSV -> readCsv(roots.resolveInside(source));
        });
    }

    SourceListing readTree(Path root) {
        if (!Files.isDirectory(root)) {
            throw new SourceException("folder tree " + root + " is not a directory");
        }
        List<SourceRow> rows = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted(Comparator.comparing(Path::toString)).toList();
        } catch (IOException e) {
            throw new SourceException("cannot list " + root + ": " + e.getMessage(), e);
        }
        int rowNo = 0;
        for (Path file : files) {
            String ext = extension(file);
            if (!IMAGE_EXTENSIONS.contains(ext)) {
                continue; // README files, .DS_Store and the like are not rows
            }
            countRow(rows, problems);
            rowNo++;
            Path rel = root.relativize(file);
            if (rel.getNameCount() != 4) {
                problems.add(new RowProblem(rowNo, rel.toString(), RejectionReason.INVALID_ROW,
                        "expected class1/class2/class3/<file>, found " + rel.getNameCount() + " path levels"));
                continue;
            }
            String badName = ImageNames.problem(rel.toString());
            if (badName != null) {
                problems.add(new RowProblem(rowNo, rel.toString(), RejectionReason.INVALID_ROW, badName));
                continue;
            }
            rows.add(new SourceRow(rowNo, file.toString(), null, null, null,
                    rel.getName(0).toString(), rel.getName(1).toString(), rel.getName(2).toString(), rel.toString(), null));
        }
        return new SourceListing(rows, problems);
    }

    SourceListing readJsonLines(Path manifest) {
        List<SourceRow> rows = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        try (ManifestLines lines = open(manifest)) {
            for (ManifestLines.Line line = lines.next(); line != null; line = lines.next()) {
                int rowNo = line.lineNo();
                if (line.text() == null) {
                    countRow(rows, problems);
                    problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, line.problem()));
                    continue;
                }
                String text = line.text().strip();
                if (text.isEmpty()) {
                    continue;
                }
                countRow(rows, problems);
                try {
                    JsonNode node = json.readTree(text);
                    if (node == null || !node.isObject()) {
                        problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, "line is not a JSON object"));
                        continue;
                    }
                    Map<String, String> fields = new java.util.LinkedHashMap<>();
                    node.properties().forEach(e -> fields.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
                    addRow(rowNo, fields, manifest, rows, problems);
                } catch (IOException e) {
                    problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, "not valid JSON: " + firstLine(e.getMessage())));
                }
            }
        }
        return new SourceListing(rows, problems);
    }

    /**
     * CSV with a header line; a row's number is the line it starts on (the header is line 1). A malformed row (an
     * unclosed quote, text after a closing quote, more or fewer fields than the header) is a problem of its own and
     * the other rows proceed ({@link CsvRecords} says why records are split by hand; Jackson CSV parses each one).
     */
    SourceListing readCsv(Path manifest) {
        List<SourceRow> rows = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>();
        try (ManifestLines lines = open(manifest)) {
            CsvRecords records = new CsvRecords(lines, limits.maxLineBytes());
            CsvRecords.Record header = records.next(-1);
            if (header == null) {
                return new SourceListing(rows, problems);
            }
            if (header.text() == null) {
                throw new SourceException("the CSV header of " + manifest + " (line " + header.lineNo() + ") cannot be read: "
                        + header.problem());
            }
            String[] columns = csvFields(header.text());
            if (columns == null) {
                throw new SourceException("the CSV header of " + manifest + " (line " + header.lineNo() + ") is not valid CSV");
            }
            for (CsvRecords.Record record = records.next(columns.length); record != null; record = records.next(columns.length)) {
                countRow(rows, problems);
                int rowNo = record.lineNo();
                if (record.text() == null) {
                    problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, record.problem()));
                    continue;
                }
                String[] values = csvFields(record.text());
                if (values == null) {
                    problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, "not valid CSV"));
                    continue;
                }
                if (values.length != columns.length) {
                    problems.add(new RowProblem(rowNo, null, RejectionReason.INVALID_ROW, values.length + " field"
                            + (values.length == 1 ? "" : "s") + ", the header has " + columns.length));
                    continue;
                }
                Map<String, String> fields = new java.util.LinkedHashMap<>();
                for (int i = 0; i < columns.length; i++) {
                    fields.put(columns[i], values[i]);
                }
                addRow(rowNo, fields, manifest, rows, problems);
            }
        }
        return new SourceListing(rows, problems);
    }

    /** One record's fields as Jackson CSV reads them (spaces around fields trimmed), or null when it cannot. */
    private String[] csvFields(String record) {
        try (MappingIterator<String[]> it = csvRecord.readValues(record)) {
            if (!it.hasNextValue()) {
                return new String[] {""};
            }
            String[] values = it.nextValue();
            return it.hasNextValue() ? null : values;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private ManifestLines open(Path manifest) {
        try {
            long size = Files.size(manifest);
            if (size > limits.maxFileBytes()) {
                throw new SourceException("manifest " + manifest + " is " + size + " bytes; at most " + limits.maxFileBytes()
                        + " (" + ManifestLimits.PREFIX + "max-file-bytes): split it into several runs");
            }
            return new ManifestLines(Files.newInputStream(manifest), limits.maxLineBytes(), limits.maxFileBytes());
        } catch (IOException e) {
            throw new SourceException("cannot read manifest " + manifest + ": " + e.getMessage(), e);
        }
    }

    /** One more row (good or not) of the input; more than max-rows fail the run before anything is stored. */
    private void countRow(List<SourceRow> rows, List<RowProblem> problems) {
        if (rows.size() + problems.size() >= limits.maxRows()) {
            throw new SourceException(limits.tooManyRows());
        }
    }

    private void addRow(int rowNo, Map<String, String> raw, Path manifest, List<SourceRow> rows, List<RowProblem> problems) {
        Map<String, String> f = new java.util.HashMap<>();
        raw.forEach((k, v) -> f.put(k == null ? "" : k.strip().toLowerCase(Locale.ROOT), v == null || v.isBlank() ? null : v.strip()));
        List<String> unknown = f.keySet().stream().filter(k -> !MANIFEST_FIELDS.contains(k)).sorted().toList();
        String path = f.get("path");
        String url = f.get("url");
        String ref = shortRef(path != null ? path : url);
        if (!unknown.isEmpty()) {
            problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, "unknown column(s) " + unknown
                    + "; known: path, url, caption, description, class1, class2, class3, image_name, split"));
            return;
        }
        // bounded before any value is used (or echoed in a message), stored or published
        long rowBytes = 0;
        for (Map.Entry<String, String> e : f.entrySet()) {
            String tooLong = limits.fieldProblem(e.getKey(), e.getValue());
            if (tooLong != null) {
                problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, tooLong));
                return;
            }
            rowBytes += e.getValue() == null ? 0 : e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        }
        String tooBig = limits.rowProblem(rowBytes);
        if (tooBig != null) {
            problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, tooBig));
            return;
        }
        if ((path == null) == (url == null)) {
            problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, "exactly one of path or url is required"));
            return;
        }
        if (f.get("class1") == null || f.get("class2") == null || f.get("class3") == null) {
            problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, "class1, class2 and class3 are required"));
            return;
        }
        DatasetSplit split = null;
        if (f.get("split") != null) {
            split = SplitKeys.parse(f.get("split"));
            if (split == null) {
                problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, "split '" + f.get("split")
                        + "' is not one of " + SplitKeys.KEYS + " (or leave it empty: the packager assigns one by its weights)"));
                return;
            }
        }
        String resolvedPath = null;
        if (path != null) {
            // relative manifest paths are relative to the manifest's folder
            Path p = Path.of(path);
            resolvedPath = (p.isAbsolute() ? p : manifest.getParent().resolve(p)).normalize().toString();
        }
        String fileName = fileName(path != null ? path : url);
        String name = f.getOrDefault("image_name", f.get("name"));
        String imageName = name != null ? name
                : f.get("class1") + "/" + f.get("class2") + "/" + f.get("class3") + "/" + fileName;
        String badName = ImageNames.problem(imageName);
        if (badName != null) {
            problems.add(new RowProblem(rowNo, ref, RejectionReason.INVALID_ROW, badName
                    + (name == null ? " (made from class1/class2/class3 and the file name; give image_name)" : "")));
            return;
        }
        rows.add(new SourceRow(rowNo, resolvedPath, url, f.get("caption"), f.get("description"),
                f.get("class1"), f.get("class2"), f.get("class3"), imageName, split));
    }

    /** A reference as stored with a rejected row: cut, since a too-long path or url is what the row is rejected for. */
    private String shortRef(String ref) {
        int max = Math.max(limits.maxPathLength(), limits.maxUrlLength());
        return ref == null || ref.length() <= max ? ref : ref.substring(0, max) + "...";
    }

    private static String fileName(String ref) {
        String s = ref;
        int q = s.indexOf('?');
        if (q >= 0) {
            s = s.substring(0, q);
        }
        int slash = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
        String name = slash >= 0 ? s.substring(slash + 1) : s;
        return name.isEmpty() ? "image" : name;
    }

    private static String extension(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
