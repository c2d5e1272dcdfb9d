package dev.spavl.generator.prompt;

import java.util.List;

/** What a writer knows about one image when it writes that image's prompts. */
public record PromptInput(String runId, String imageId, String class1, String class2, String class3, String caption,
                          String description, List<String> keywords, byte[] image, String mime, long seed) {
}
