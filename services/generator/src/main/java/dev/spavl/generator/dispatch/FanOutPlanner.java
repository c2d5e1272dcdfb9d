package dev.spavl.generator.dispatch;

import dev.spavl.events.FanOutMode;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Chooses the responders of one question. ALL: every live responder (the paper). SAMPLE k: k of
 * them, drawn with a seed derived from the run's seed and the question id, so the same question of
 * the same run always goes to the same responders, whatever order things happen in.
 */
public final class FanOutPlanner {

    private FanOutPlanner() {
    }

    /**
     * @param live    responders alive now
     * @param targets the run's restriction; empty = no restriction
     */
    public static List<String> choose(FanOutMode mode, Integer sampleSize, List<String> live, List<String> targets,
                                      long runSeed, String questionId) {
        TreeSet<String> candidates = new TreeSet<>(live);
        if (!targets.isEmpty()) {
            candidates.retainAll(targets);
        }
        List<String> sorted = new ArrayList<>(candidates);
        if (mode == FanOutMode.ALL || sampleSize == null || sampleSize >= sorted.size()) {
            return List.copyOf(sorted);
        }
        Collections.shuffle(sorted, new Random(seed(runSeed, questionId)));
        List<String> chosen = new ArrayList<>(sorted.subList(0, sampleSize));
        Collections.sort(chosen);
        return List.copyOf(chosen);
    }

    static long seed(long runSeed, String questionId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(8).putLong(runSeed).array());
            sha.update(questionId.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(sha.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
