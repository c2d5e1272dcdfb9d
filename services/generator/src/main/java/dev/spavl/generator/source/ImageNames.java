package dev.spavl.generator.source;

import dev.spavl.generator.intake.RejectionReason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an image name may be. The name is where the image lands in an export ({@code training/images/<name>}, the
 * training code joins it to its image folder) and what the dataset reports as the image's path, so it must be a plain
 * relative path: segments separated by {@code /}, none empty, {@code .} or {@code ..}, no backslash or control
 * character, each segment at most {@link #MAX_SEGMENT_BYTES} bytes (a file name), at most {@link #MAX_LENGTH}
 * characters in all; and one name is one image within a run (two files under one name would overwrite each other).
 */
final class ImageNames {

    static final int MAX_LENGTH = 1024;
    static final int MAX_SEGMENT_BYTES = 255;

    private ImageNames() {
    }

    /** Why a name cannot be used, or null when it can. */
    static String problem(String name) {
        if (name.length() > MAX_LENGTH) {
            return "image_name is " + name.length() + " characters long; at most " + MAX_LENGTH;
        }
        if (name.startsWith("/")) {
            return "image_name '" + name + "' is absolute; it must be a relative path such as class1/class2/class3/file.png";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' || c < 0x20 || c == 0x7f) {
                return "image_name '" + printable(name) + "' has a " + (c == '\\' ? "backslash" : "control character")
                        + " at position " + (i + 1) + "; segments are separated by '/'";
            }
        }
        for (String segment : name.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return "image_name '" + name + "' has an " + (segment.isEmpty() ? "empty" : "'" + segment + "'")
                        + " segment; it must be a plain relative path such as class1/class2/class3/file.png";
            }
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "image_name '" + name + "' has a segment longer than " + MAX_SEGMENT_BYTES + " bytes";
            }
        }
        return null;
    }

    /**
     * The listing with each name used once: a later row that names a different file or URL like an earlier row is
     * rejected (the same file listed twice keeps its name and is found a duplicate image later).
     */
    static SourceListing unique(SourceListing listing) {
        Map<String, SourceRow> first = new HashMap<>();
        List<SourceRow> rows = new ArrayList<>();
        List<RowProblem> problems = new ArrayList<>(listing.problems());
        for (SourceRow row : listing.rows()) {
            SourceRow earlier = first.putIfAbsent(row.imageName(), row);
            if (earlier != null && !earlier.reference().equals(row.reference())) {
                problems.add(new RowProblem(row.rowNo(), row.reference(), RejectionReason.INVALID_ROW, "image_name '"
                        + row.imageName() + "' is already row " + earlier.rowNo() + "'s (" + earlier.reference()
                        + "); each image needs a name of its own"));
            } else {
                rows.add(row);
            }
        }
        problems.sort(java.util.Comparator.comparingInt(RowProblem::rowNo));
        return new SourceListing(rows, problems);
    }

    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }
}
