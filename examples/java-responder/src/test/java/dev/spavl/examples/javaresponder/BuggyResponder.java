package dev.spavl.examples.javaresponder;

import dev.spavl.responder.starter.Answer;
import dev.spavl.responder.starter.Image;
import dev.spavl.responder.starter.ModelResponder;
import dev.spavl.responder.starter.Question;
import dev.spavl.responder.starter.Responds;
import jakarta.enterprise.context.ApplicationScoped;

/** A responder with a bug (test only): it throws what is not a ModelFailure, as a team's first version might. */
@ApplicationScoped
@Responds(BuggyResponder.MODEL)
public class BuggyResponder implements ModelResponder {

    static final String MODEL = "java-buggy";

    @Override
    public Answer answer(Question question, Image image) {
        throw new IllegalStateException("a bug in the model's own code");
    }
}
