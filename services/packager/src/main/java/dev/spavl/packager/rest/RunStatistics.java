package dev.spavl.packager.rest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.spavl.taxonomy.Taxonomy;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The paper's Table 1 for a run, computed from its quadruples: per class2 the images, the questions and
 * their unsafe rate, and the unsafe rates of the chosen and the rejected answers (UR% from the judge's
 * labels); plus the judge's position-flip and tie rates and the token and cost totals.
 *
 * @param split null for all splits, else the split the rows are restricted to
 */
public record RunStatistics(String runId, String split, List<Row> rows, Row total, Judge judge, Usage usage) {

    /**
     * One line of Table 1. Rates are percentages of the labelled ones, null when none was labelled. {@code counts}: the
     * numerators and denominators the rates come from (questions; unsafe and labelled questions, chosen and rejected
     * answers), so that rows add up into subtotals.
     */
    public record Row(String class1, String class2, long images, long questions, Double questionUnsafePercent,
                      Double chosenUnsafePercent, Double rejectedUnsafePercent, @JsonIgnore long[] counts) {

        /** The sum of rows (their images are disjoint: an image has one class path), labelled {@code class1 / class2}. */
        public static Row sum(String class1, String class2, List<Row> rows) {
            long images = 0;
            long[] n = new long[8];
            for (Row r : rows) {
                images += r.images;
                for (int i = 0; i < n.length; i++) {
                    n[i] += r.counts[i];
                }
            }
            return row(class1, class2, images, n);
        }
    }

    /** Table 1's rows of one class1 (domain) and their subtotal. */
    public record Group(String class1, List<Row> rows, Row subtotal) {
    }

    /**
     * The rows grouped by class1 as the paper prints Table 1: domains and categories in the taxonomy's order (names the
     * taxonomy does not know after them, by name), each domain with its subtotal.
     */
    public List<Group> grouped(Taxonomy taxonomy) {
        // each domain's and category's position in the taxonomy
        Map<List<String>, Integer> position = new java.util.HashMap<>();
        for (var domain : taxonomy.tree()) {
            position.put(List.of(domain.name()), position.size());
            domain.categories().forEach(c -> position.put(List.of(domain.name(), c.name()), position.size()));
        }
        java.util.Comparator<Row> taxonomyOrder = java.util.Comparator
                .<Row>comparingInt(r -> position.getOrDefault(List.of(r.class1()), Integer.MAX_VALUE)).thenComparing(Row::class1)
                .thenComparingInt(r -> position.getOrDefault(List.of(r.class1(), r.class2()), Integer.MAX_VALUE))
                .thenComparing(Row::class2);
        Map<String, List<Row>> byDomain = new java.util.LinkedHashMap<>();
        rows.stream().sorted(taxonomyOrder).forEach(r -> byDomain.computeIfAbsent(r.class1(), k -> new ArrayList<>()).add(r));
        List<Group> groups = new ArrayList<>();
        byDomain.forEach((domain, list) -> groups.add(new Group(domain, list, Row.sum(domain, "subtotal", list))));
        return groups;
    }

    /** Verdicts of the run's pairs: flip rate = INCONSISTENT among the pairs with two parsed orders. */
    public record Judge(Map<String, Long> pairsByOutcome, Double positionFlipRate, Double tieRate) {
    }

    /** Tokens and cost of the answers and of the judge's pairwise calls. */
    public record Usage(long answerTokensIn, long answerTokensOut, BigDecimal answerCostUsd, long judgeTokensIn, long judgeTokensOut) {
    }

    public static Uni<RunStatistics> of(String runId, String split) {
        String hql = "select q.class1, q.class2, count(distinct d.imageId), count(d), "
                + "sum(case when ql.safe = false then 1 else 0 end), count(ql), "
                + "sum(case when cl.safe = false then 1 else 0 end), count(cl), "
                + "sum(case when rl.safe = false then 1 else 0 end), count(rl) "
                + "from QuadrupleEntity d join QuestionEntity q on q.questionId = d.questionId " + imageSplit(split)
                + "left join LabelEntity ql on ql.questionId = d.questionId and ql.modelId = '' "
                + "left join LabelEntity cl on cl.questionId = d.questionId and cl.modelId = d.chosenModel "
                + "left join LabelEntity rl on rl.questionId = d.questionId and rl.modelId = d.rejectedModel "
                + "where d.runId = :run" + (split == null ? "" : " and i.split = :split") + " group by q.class1, q.class2 order by q.class1, q.class2";
        String imagesHql = "select count(distinct d.imageId) from QuadrupleEntity d " + imageSplit(split) + "where d.runId = :run"
                + (split == null ? "" : " and i.split = :split");
        return Panache.getSession().flatMap(s -> {
            var q = s.createSelectionQuery(hql, Object[].class).setParameter("run", runId);
            var images = s.createSelectionQuery(imagesHql, Long.class).setParameter("run", runId);
            if (split != null) {
                q.setParameter("split", split);
                images.setParameter("split", split);
            }
            return q.getResultList().flatMap(rows -> images.getSingleResult().map(distinctImages -> table(rows, distinctImages)));
        }).flatMap(table -> judge(runId).flatMap(judge -> usage(runId).map(usage ->
                new RunStatistics(runId, split, table.rows, table.total, judge, usage))));
    }

    private record Table(List<Row> rows, Row total) {
    }

    /** A split restricts rows by their image's split, as the export places them (the image's row is the one home). */
    private static String imageSplit(String split) {
        return split == null ? "" : "join ImageEntity i on i.imageId = d.imageId ";
    }

    private static Table table(List<Object[]> rows, long distinctImages) {
        List<Row> out = new ArrayList<>();
        long[] sum = new long[8];
        for (Object[] r : rows) {
            long[] n = new long[8];
            for (int i = 0; i < 8; i++) {
                n[i] = r[i + 2] == null ? 0 : ((Number) r[i + 2]).longValue();
                sum[i] += n[i];
            }
            out.add(row((String) r[0], (String) r[1], n[0], n));
        }
        return new Table(out, row(null, "total", distinctImages, sum));
    }

    private static Row row(String class1, String class2, long images, long[] n) {
        return new Row(class1, class2, images, n[1], percent(n[2], n[3]), percent(n[4], n[5]), percent(n[6], n[7]), n);
    }

    private static Double percent(long part, long whole) {
        return whole == 0 ? null : Math.round(10_000.0 * part / whole) / 100.0;
    }

    private static Uni<Judge> judge(String runId) {
        String hql = "select p.outcome, count(p) from PairEntity p, QuestionEntity q where q.questionId = p.questionId "
                + "and q.runId = ?1 and p.outcome is not null group by p.outcome";
        return Panache.getSession().flatMap(s -> s.createSelectionQuery(hql, Object[].class).setParameter(1, runId).getResultList())
                .map(rows -> {
                    Map<String, Long> byOutcome = new TreeMap<>();
                    rows.forEach(r -> byOutcome.put((String) r[0], ((Number) r[1]).longValue()));
                    long parsed = byOutcome.getOrDefault("CHOSEN_A", 0L) + byOutcome.getOrDefault("CHOSEN_B", 0L)
                            + byOutcome.getOrDefault("TIE", 0L) + byOutcome.getOrDefault("INCONSISTENT", 0L);
                    long all = parsed + byOutcome.getOrDefault("INVALID", 0L);
                    return new Judge(byOutcome, parsed == 0 ? null : (double) byOutcome.getOrDefault("INCONSISTENT", 0L) / parsed,
                            all == 0 ? null : (double) byOutcome.getOrDefault("TIE", 0L) / all);
                });
    }

    private static Uni<Usage> usage(String runId) {
        String answers = "select coalesce(sum(a.tokensIn), 0), coalesce(sum(a.tokensOut), 0), coalesce(sum(a.costUsd), 0) "
                + "from AnswerEntity a where a.runId = ?1";
        String judge = "select coalesce(sum(p.tokensIn), 0), coalesce(sum(p.tokensOut), 0) from PairEntity p, QuestionEntity q "
                + "where q.questionId = p.questionId and q.runId = ?1";
        return Panache.getSession().flatMap(s -> s.createSelectionQuery(answers, Object[].class).setParameter(1, runId).getSingleResult()
                .flatMap(a -> s.createSelectionQuery(judge, Object[].class).setParameter(1, runId).getSingleResult()
                        .map(j -> new Usage(((Number) a[0]).longValue(), ((Number) a[1]).longValue(), new BigDecimal(a[2].toString()),
                                ((Number) j[0]).longValue(), ((Number) j[1]).longValue()))));
    }
}
