package dev.spavl.generator.source;

import dev.spavl.events.DatasetSplit;

/**
 * One image of a run's input, as read from a folder tree or a manifest row, before any check of
 * the image itself.
 *
 * @param rowNo       1-based position in the input (manifest line, or file order in the tree)
 * @param path        local path (null when url is set)
 * @param url         http(s) URL (null when path is set)
 * @param imageName   name the image is exported under: class1/class2/class3/file name
 * @param split       the dataset split the input pins this image to; null lets the packager assign one
 */
public record SourceRow(int rowNo, String path, String url, String caption, String description,
                        String class1, String class2, String class3, String imageName, DatasetSplit split) {

    private static final java.util.regex.Pattern URL = java.util.regex.Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    public String reference() {
        return path != null ? path : url;
    }

    /** Whether a stored reference is a URL (any scheme: the fetcher refuses all but http and https). */
    public static boolean isUrl(String reference) {
        return reference != null && URL.matcher(reference).matches();
    }
}
