package dev.spavl.packager.persistence;

import java.io.Serializable;
import java.util.Objects;

/** (question_id, model_id): the key of answers and labels; model_id is "" for a question's own label. */
public class AnswerKey implements Serializable {
    public String questionId;
    public String modelId;

    public AnswerKey() {
    }

    public AnswerKey(String questionId, String modelId) {
        this.questionId = questionId;
        this.modelId = modelId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AnswerKey k && Objects.equals(questionId, k.questionId) && Objects.equals(modelId, k.modelId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(questionId, modelId);
    }
}
