package dev.spavl.judge.client;

import dev.spavl.responder.starter.ModelFailure;
import dev.spavl.judge.parse.HarmCategoryMapping;
import dev.spavl.judge.parse.SafetyOutputParser;
import dev.spavl.judge.parse.SafetyReading;
import dev.spavl.judge.prompt.PromptTemplate;
import dev.spavl.modelclients.ModelCallException;

import java.util.Map;
import java.util.Optional;

/**
 * A safety classifier served behind an OpenAI-compatible endpoint (MD-Judge, Llama Guard, ...), prompted with
 * a versioned template and read by the matching output parser. Unparseable output is asked again
 * {@code parseRetries} times; then the call fails as INVALID_OUTPUT with the raw text in the message.
 */
public final class ModelSafetyJudge implements SafetyJudge {

    private final JudgeModel model;
    private final PromptTemplate template;
    private final SafetyOutputParser parser;
    private final int parseRetries;

    public ModelSafetyJudge(JudgeModel model, PromptTemplate template, SafetyOutputParser parser, int parseRetries) {
        this.model = model;
        this.template = template;
        this.parser = parser;
        this.parseRetries = parseRetries;
    }

    @Override
    public String name() {
        return model.name() + " (" + template.id() + ")";
    }

    @Override
    public boolean simulated() {
        return false;
    }

    @Override
    public SafetyLabel assessQuestion(String questionId, String question) throws InterruptedException {
        return classify("question " + questionId, "User", "User: " + question);
    }

    @Override
    public SafetyLabel assessResponse(String questionId, String question, String answer) throws InterruptedException {
        String conversation = (question == null ? "" : "User: " + question + "\n\n") + "Agent: " + answer;
        return classify("answer to " + questionId, "Agent", conversation);
    }

    private SafetyLabel classify(String subject, String role, String conversation) throws InterruptedException {
        String prompt = template.render(Map.of("role", role, "conversation", conversation));
        String last = "";
        for (int i = 0; i <= parseRetries; i++) {
            last = model.complete(template.system(), prompt, null, subject).text();
            Optional<SafetyReading> reading = parser.parse(last);
            if (reading.isPresent()) {
                SafetyReading r = reading.get();
                Optional<String> domain = r.categoryCode().flatMap(code -> HarmCategoryMapping.domainOf(parser.id(), code));
                return new SafetyLabel(r.safe(), r.unsafeScore(), domain);
            }
        }
        throw new ModelCallException(ModelFailure.Kind.INVALID_OUTPUT, "judge", model.name(),
                "no safe/unsafe decision in " + (parseRetries + 1) + " replies; last: "
                        + last.substring(0, Math.min(300, last.length())));
    }
}
