package dev.spavl.generator.prompt;

import dev.spavl.events.QuestionType;

import java.util.Map;

/**
 * The prompts written for one image.
 *
 * @param description      the input's description, or the one written when the input had none
 * @param texts            one text per requested question type
 * @param generatorModel   who wrote them (provider/model, or template/&lt;version&gt; offline)
 * @param templateVersion  version of the prompt templates used
 * @param simulated        true when no real model wrote them
 */
public record WrittenPrompts(String description, Map<QuestionType, String> texts, String generatorModel,
                             String templateVersion, boolean simulated) {
}
