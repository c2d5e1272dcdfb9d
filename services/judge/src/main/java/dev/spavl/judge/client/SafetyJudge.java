package dev.spavl.judge.client;

/** Labels questions and answers safe or unsafe: a classifier model, or the offline heuristic. */
public interface SafetyJudge {

    /** As recorded in events: provider/model (template), or "offline-heuristic/v1". */
    String name();

    /** True for the offline heuristic: its labels are marked simulated. */
    boolean simulated();

    /** @throws dev.spavl.modelclients.ModelCallException when the classifier model cannot answer */
    SafetyLabel assessQuestion(String questionId, String question) throws InterruptedException;

    /** @throws dev.spavl.modelclients.ModelCallException when the classifier model cannot answer */
    SafetyLabel assessResponse(String questionId, String question, String answer) throws InterruptedException;
}
