package dev.spavl.packager.export;

import dev.spavl.packager.rest.RunStatistics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dataset card ({@code README.md}): provenance, files, and the paper's Table 1 computed for this run. */
final class DatasetCard {

    /** Where the data came from. {@code models}: id -> whether its answers were simulated. */
    record Provenance(Long seed, Map<String, Boolean> models, Set<String> judges, boolean judgeSimulated, boolean questionsSimulated) {

        boolean anySimulated() {
            return judgeSimulated || questionsSimulated || models.containsValue(true);
        }
    }

    private DatasetCard() {
    }

    /** @param parquet the Parquet files written, relative to the card: the configs list only splits that exist */
    static void write(Path file, String runId, Provenance p, RunStatistics stats, long quadruples, long images, List<String> parquet)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("---\nlicense: cc-by-4.0\ntask_categories:\n- visual-question-answering\ntags:\n- safety\n- preference\n- dpo\n");
        // datasets.load_dataset(<this folder>) reads these configs: train/validation by default, the test sets apart
        md.append("configs:\n");
        md.append("- config_name: default\n  data_files:\n");
        split(md, parquet, "train", "data/train-");
        split(md, parquet, "validation", "validation/validation-");
        if (parquet.stream().anyMatch(f -> f.startsWith("test/"))) {
            md.append("- config_name: test\n  data_files:\n");
            split(md, parquet, "harm", "test/harm-");
            split(md, parquet, "help", "test/help-");
        }
        md.append("---\n\n");
        md.append("# SPA-VL-style safety preference data, run ").append(runId).append("\n\n");
        if (p.anySimulated()) {
            md.append("> **Simulated data.** Parts of this dataset were written by offline stand-ins, not by real models")
                    .append(" (see Provenance). Use it to test pipelines, not to train models.\n\n");
        }
        md.append(quadruples).append(" preference quadruples (question, image, chosen, rejected) over ").append(images)
                .append(" images, built by spavl.\n\n");
        md.append("## Provenance\n\n");
        md.append("- Seed: ").append(p.seed() == null ? "unknown (run not recorded)" : p.seed().toString()).append('\n');
        md.append("- Questions: ").append(p.questionsSimulated() ? "offline template writer (simulated)" : "written by a model").append('\n');
        md.append("- Responders (").append(p.models().size()).append("):");
        p.models().forEach((m, sim) -> md.append(' ').append(m).append(sim ? " (simulated)" : "").append(','));
        if (!p.models().isEmpty()) {
            md.setLength(md.length() - 1);
        }
        md.append('\n');
        md.append("- Judges: ").append(p.judges().isEmpty() ? "none" : String.join(", ", p.judges()))
                .append(p.judgeSimulated() ? " (offline heuristics: simulated)" : "").append('\n');
        md.append("- Taxonomy: the SPA-VL harm taxonomy (class1 / class2 / class3 as recorded per image)\n");
        md.append("- Pairs were judged in both orders; only consistent preferences became quadruples.\n\n");
        md.append("## Files\n\n");
        md.append("- `training/<split>.json`: `{id, image, question, chosen, rejected}`, images under `training/images/`\n");
        md.append("- `dpo/<split>.jsonl`: `prompt, chosen, rejected, chosen_model, rejected_model, prompt_id, image`\n");
        md.append("- `meta_files/`: `image_info/meta.json`, `model_answer/{easy,hardq,hards}.json`, ")
                .append("`prefer/{easy,hardq,hards}.json` (reason1/reason2), `safety/{easy,hardq,hards}.json`, `split/<split>.json`\n");
        md.append("- `data/train-*.parquet`, `validation/validation-*.parquet`, `test/{harm,help}-*.parquet`: the Hugging Face ")
                .append("layout with the images embedded; `datasets.load_dataset(\"<this folder>\")` reads them through the configs above\n\n");
        md.append("## Table 1 (all splits)\n\nUR% = unsafe rate by the judge's labels; CP/RP = chosen/rejected answer.\n\n");
        md.append("| class2 | images | questions (UR%) | CP-UR% / RP-UR% |\n|---|---|---|---|\n");
        for (RunStatistics.Row r : stats.rows()) {
            row(md, r, false);
        }
        row(md, stats.total(), true);
        md.append("\n## Judge and usage\n\n");
        md.append("- Pairs by outcome: ").append(stats.judge().pairsByOutcome()).append('\n');
        md.append("- Position flip rate: ").append(rate(stats.judge().positionFlipRate())).append("; tie rate: ")
                .append(rate(stats.judge().tieRate())).append('\n');
        RunStatistics.Usage u = stats.usage();
        md.append("- Answer tokens in/out: ").append(u.answerTokensIn()).append(" / ").append(u.answerTokensOut())
                .append("; answer cost: ").append(u.answerCostUsd().toPlainString()).append(" USD")
                .append(p.models().containsValue(true) ? " (simulated answers priced at the catalog price)" : "").append('\n');
        md.append("- Judge tokens in/out (pairwise): ").append(u.judgeTokensIn()).append(" / ").append(u.judgeTokensOut()).append('\n');
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    private static void split(StringBuilder md, List<String> parquet, String split, String prefix) {
        if (parquet.stream().anyMatch(f -> f.startsWith(prefix))) {
            md.append("  - split: ").append(split).append("\n    path: ").append(prefix).append("*.parquet\n");
        }
    }

    private static void row(StringBuilder md, RunStatistics.Row r, boolean bold) {
        String b = bold ? "**" : "";
        md.append("| ").append(b).append(r.class2()).append(b).append(" | ").append(b).append(r.images()).append(b).append(" | ")
                .append(b).append(r.questions()).append(" (").append(pct(r.questionUnsafePercent())).append(")").append(b).append(" | ")
                .append(b).append(pct(r.chosenUnsafePercent())).append(" / ").append(pct(r.rejectedUnsafePercent())).append(b)
                .append(" |\n");
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static String rate(Double v) {
        return v == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.3f", v);
    }
}
