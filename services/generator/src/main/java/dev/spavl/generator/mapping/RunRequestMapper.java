package dev.spavl.generator.mapping;

import dev.spavl.contracts.ids.Ids;
import dev.spavl.events.FanOutMode;
import dev.spavl.contracts.types.QuestionTypeKeys;
import dev.spavl.events.QuestionType;
import dev.spavl.events.RunRequested;
import dev.spavl.events.SourceKind;
import dev.spavl.generator.rest.RunRequestBody;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a run request body into a {@link RunRequested} event, or into the list of every problem
 * found (all of them at once, each naming its field), never a partial event.
 */
public final class RunRequestMapper {

    /** One problem with one field of the request. */
    public record Problem(String field, String reason) {
    }

    /** Either an event or the problems that prevented it. */
    public record Result(RunRequested event, List<Problem> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private static final Pattern SAMPLE = Pattern.compile("sample:(\\d{1,4})");
    private static final Pattern MODEL_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    static final int MAX_SOURCE_LENGTH = 4096;
    private static final ObjectMapper CANONICAL = new ObjectMapper();

    private final LongSupplier randomSeed;

    public RunRequestMapper(LongSupplier randomSeed) {
        this.randomSeed = randomSeed;
    }

    /**
     * SHA-256 (hex) of the body as read (its fields in declaration order, absent ones as null), so the same request
     * sent again, however its JSON is spaced or ordered, has the same fingerprint, and another request another.
     */
    public static String fingerprint(RunRequestBody body) {
        try {
            byte[] canonical = CANONICAL.writeValueAsBytes(body);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot fingerprint a run request: " + e.getMessage(), e);
        }
    }

    public Result map(RunRequestBody body, String runId, Instant now) {
        List<Problem> problems = new ArrayList<>();
        if (body == null) {
            return new Result(null, List.of(new Problem("body", "a JSON object is required")));
        }
        String source = body.source() == null ? "" : body.source().trim();
        if (source.isEmpty()) {
            problems.add(new Problem("source", "required: a folder tree or a manifest (.jsonl/.csv) path or URL"));
        } else if (source.length() > MAX_SOURCE_LENGTH) {
            problems.add(new Problem("source", "longer than " + MAX_SOURCE_LENGTH + " characters"));
        }
        SourceKind kind = sourceKind(body.sourceKind(), source, problems);

        FanOutMode fanOut = FanOutMode.ALL;
        Integer sampleSize = null;
        String fan = body.fanOut() == null ? "all" : body.fanOut().trim().toLowerCase(Locale.ROOT);
        Matcher m = SAMPLE.matcher(fan);
        if (m.matches()) {
            fanOut = FanOutMode.SAMPLE;
            sampleSize = Integer.parseInt(m.group(1));
            if (sampleSize < 1) {
                problems.add(new Problem("fanOut", "sample size must be at least 1, got " + sampleSize));
            }
        } else if (!fan.equals("all")) {
            problems.add(new Problem("fanOut", "expected \"all\" or \"sample:k\" (k >= 1), got \"" + body.fanOut() + "\""));
        }

        List<QuestionType> types = questionTypes(body.questionTypes(), problems);

        List<String> targets = body.targets() == null ? List.of() : body.targets();
        for (String t : targets) {
            if (t == null || !MODEL_ID.matcher(t).matches()) {
                problems.add(new Problem("targets", "\"" + t + "\" is not a model id (lower-case letters, digits, '.', '_', '-')"));
            }
        }
        if (fanOut == FanOutMode.SAMPLE && sampleSize != null && !targets.isEmpty() && sampleSize > targets.size()) {
            problems.add(new Problem("fanOut", "sample:" + sampleSize + " asks for more responders than the "
                    + targets.size() + " targets given"));
        }
        if (body.limit() != null && body.limit() < 1) {
            problems.add(new Problem("limit", "must be at least 1, got " + body.limit()));
        }
        if (!problems.isEmpty()) {
            return new Result(null, List.copyOf(problems));
        }
        RunRequested event = RunRequested.newBuilder()
                .setEventId(Ids.event("RunRequested", runId))
                .setRunId(runId)
                .setOccurredAt(now)
                .setSourceKind(kind)
                .setSourceUri(source)
                .setFanOut(fanOut)
                .setSampleSize(sampleSize)
                .setSeed(body.seed() != null ? body.seed() : randomSeed.getAsLong())
                .setQuestionTypes(types)
                .setTargets(List.copyOf(new LinkedHashSet<>(targets)))
                .setImageLimit(body.limit())
                .setRequestedBy(body.requestedBy())
                .setRequestedAt(now)
                .build();
        return new Result(event, List.of());
    }

    private static SourceKind sourceKind(String given, String source, List<Problem> problems) {
        if (given != null && !given.isBlank()) {
            try {
                return SourceKind.valueOf(given.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("sourceKind", "expected one of FOLDER_TREE, MANIFEST_JSONL, MANIFEST_CSV, got \"" + given + "\""));
                return SourceKind.FOLDER_TREE;
            }
        }
        String lower = source.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) {
            return SourceKind.MANIFEST_JSONL;
        }
        if (lower.endsWith(".csv")) {
            return SourceKind.MANIFEST_CSV;
        }
        return SourceKind.FOLDER_TREE;
    }

    private static List<QuestionType> questionTypes(List<String> given, List<Problem> problems) {
        if (given == null || given.isEmpty()) {
            return List.of(QuestionType.values());
        }
        Set<QuestionType> out = new LinkedHashSet<>();
        for (String g : given) {
            String key = g == null ? "" : g.trim();
            QuestionType t = QuestionTypeKeys.parse(key);
            if (t == null) {
                try {
                    t = QuestionType.valueOf(key.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem("questionTypes", "\"" + g + "\" is not easy, hardq, hards "
                            + "(or EASY_QUESTION, HARD_QUESTION, HARD_STATEMENT)"));
                    continue;
                }
            }
            out.add(t);
        }
        return List.copyOf(out);
    }
}
