package dev.spavl.packager.pairing;

import java.util.Objects;

/** One model's answer to a question, eligible to be paired. */
public record Candidate(String modelId, String answerText) {

    public Candidate {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(answerText, "answerText");
    }
}
