package dev.spavl.generator.prompt;

import dev.spavl.events.QuestionType;
import io.smallrye.mutiny.Uni;

import java.util.Set;

/**
 * Writes the SPA-VL prompts of one image: a detailed description when the input has none, the easy
 * question (vision model: image + caption + class path), then the hard question and the hard
 * statement (text model: caption + class path + description + easy question).
 */
public interface PromptWriter {

    Uni<WrittenPrompts> write(PromptInput input, Set<QuestionType> types);

    /** Whether {@link PromptInput#image()} must hold the image bytes. */
    default boolean needsImage() {
        return true;
    }
}
