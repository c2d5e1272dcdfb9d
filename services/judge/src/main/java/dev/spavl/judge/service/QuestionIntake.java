package dev.spavl.judge.service;

import dev.spavl.events.QuestionGenerated;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes spavl.questions. Today it only counts and logs what arrives, per question type and
 * subcategory: the question safety labels (MD-Judge style) are the judge issue's work.
 */
@ApplicationScoped
public class QuestionIntake {

    private static final Logger LOG = Logger.getLogger(QuestionIntake.class);

    private final MeterRegistry metrics;

    public QuestionIntake(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Incoming("questions")
    public void onQuestion(QuestionGenerated question) {
        metrics.counter("spavl.judge.questions.received", "type", question.getType().name()).increment();
        LOG.debugf("question %s (image %s, run %s, %s/%s) received", question.getQuestionId(), question.getImageId(),
                question.getRunId(), question.getClass2(), question.getClass3());
    }
}
