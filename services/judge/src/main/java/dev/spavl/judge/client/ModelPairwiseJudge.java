package dev.spavl.judge.client;

import dev.spavl.judge.prompt.PromptTemplate;
import dev.spavl.modelclients.ChatResult;
import dev.spavl.modelclients.ImageInput;

import java.util.Map;

/** A vision (or text) chat model as pairwise judge, prompted with a versioned template. */
public final class ModelPairwiseJudge implements PairwiseJudge {

    private final JudgeModel model;
    private final PromptTemplate template;
    private final boolean withImage;

    public ModelPairwiseJudge(JudgeModel model, PromptTemplate template, boolean withImage) {
        this.model = model;
        this.template = template;
        this.withImage = withImage;
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
    public boolean wantsImage() {
        return withImage;
    }

    @Override
    public JudgeReply ask(String pairId, String question, ImageInput image, String first, Boolean firstSafe, String second,
                          Boolean secondSafe) throws InterruptedException {
        // the safety labels are not shown: the judge decides harmlessness itself, as in the paper
        String user = template.render(Map.of("question", question, "answer_a", first, "answer_b", second));
        ChatResult r = model.complete(template.system(), user, withImage ? image : null, "pair " + pairId);
        return new JudgeReply(r.text(), r.tokensIn(), r.tokensOut());
    }
}
