package dev.spavl.judge.config;

import dev.spavl.judge.client.HeuristicPairwiseJudge;
import dev.spavl.judge.client.HeuristicSafetyJudge;
import dev.spavl.judge.client.JudgeModel;
import dev.spavl.judge.client.ModelPairwiseJudge;
import dev.spavl.judge.client.ModelSafetyJudge;
import dev.spavl.judge.client.PairwiseJudge;
import dev.spavl.judge.client.SafetyJudge;
import dev.spavl.judge.offline.OfflineSafetyClassifier;
import dev.spavl.judge.parse.SafetyOutputParsers;
import dev.spavl.judge.prompt.PromptTemplate;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The safety judge and the pairwise judge configured under spavl.judge.* (offline unless told otherwise). */
public class JudgeProducer {

    private static final Logger LOG = Logger.getLogger(JudgeProducer.class);
    static final String OFFLINE = "offline";

    /** One offline classifier for labels and pairs: the texts it has read are kept for both (TextMemo). */
    @Produces
    @Singleton
    OfflineSafetyClassifier offlineClassifier() {
        return new OfflineSafetyClassifier();
    }

    @Produces
    @Singleton
    SafetyJudge safetyJudge(JudgeConfig config, Vertx vertx, MeterRegistry metrics, OfflineSafetyClassifier offline) {
        JudgeConfig.Safety s = config.safety();
        SafetyJudge judge;
        if (OFFLINE.equals(s.provider())) {
            judge = new HeuristicSafetyJudge(offline);
        } else {
            PromptTemplate template = PromptTemplate.load("safety", s.template());
            String parser = s.template().replaceFirst("-v\\d+$", "");
            judge = new ModelSafetyJudge(JudgeModel.create("safety", s, config, vertx, metrics), template,
                    SafetyOutputParsers.byId(parser), config.parseRetries());
        }
        LOG.infof("safety judge: %s", judge.name());
        return judge;
    }

    @Produces
    @Singleton
    PairwiseJudge pairwiseJudge(JudgeConfig config, Vertx vertx, MeterRegistry metrics, OfflineSafetyClassifier offline) {
        JudgeConfig.Pairwise p = config.pairwise();
        PairwiseJudge judge = OFFLINE.equals(p.provider())
                ? new HeuristicPairwiseJudge(offline)
                : new ModelPairwiseJudge(JudgeModel.create("pairwise", p, config, vertx, metrics),
                        PromptTemplate.load("pairwise", p.template()), p.withImage());
        LOG.infof("pairwise judge: %s", judge.name());
        return judge;
    }
}
