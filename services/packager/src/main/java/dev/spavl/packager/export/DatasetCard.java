package dev.spavl.packager.export;

import dev.spavl.packager.rest.RunStatistics;
import dev.spavl.taxonomy.Leaf;
import dev.spavl.taxonomy.Taxonomy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The dataset card ({@code README.md}): the YAML header {@code datasets} reads (one config per {@link ExportTable}
 * config, each with its {@code dataset_info}: features, splits and their row counts, which {@code datasets} checks on
 * load), how to load it, what each file holds, where every text came from, and the paper's Table 1 over the training
 * split.
 */
final class DatasetCard {

    /**
     * Where the data came from. {@code models}: id -> whether its answers were simulated; {@code questionWriters}:
     * the generator's writer ids (the offline template writer or a model); judges split by what they wrote.
     */
    record Provenance(Long seed, Map<String, Boolean> models, Set<String> questionWriters, boolean questionsSimulated,
                      Set<String> labelJudges, boolean labelsSimulated, Set<String> pairJudges, boolean pairsSimulated,
                      Cancellation cancellation) {

        boolean anySimulated() {
            return questionsSimulated || labelsSimulated || pairsSimulated || models.containsValue(true);
        }
    }

    /** The run was cancelled: when, by whom, why, and how many of its questions were closed CANCELLED. */
    record Cancellation(java.time.Instant at, String by, String reason, long questionsCancelled) {
    }

    /**
     * What the card says about one export. {@code rows}: rows per Parquet table (tables without rows are absent);
     * {@code imagesBySplit}: the run's images per split key.
     */
    record Contents(String runId, Provenance provenance, RunStatistics train, Map<ExportTable, Long> rows,
                    Map<String, Long> trainingByType, Map<String, Long> imagesBySplit) {

        long quadruples() {
            return rows.getOrDefault(ExportTable.TRAIN, 0L) + rows.getOrDefault(ExportTable.VALIDATION, 0L);
        }
    }

    private DatasetCard() {
    }

    static void write(Path file, Contents c, Taxonomy taxonomy) throws IOException {
        Files.writeString(file, render(c, taxonomy), StandardCharsets.UTF_8);
    }

    static String render(Contents c, Taxonomy taxonomy) {
        StringBuilder md = new StringBuilder();
        yaml(md, c);
        Provenance p = c.provenance();
        md.append("# SPA-VL-style safety preference data, run ").append(c.runId()).append("\n\n");
        if (p.anySimulated()) {
            md.append("> **Simulated data.** Parts of this dataset were written by offline stand-ins, not by real models")
                    .append(" (see Provenance). Use it to test pipelines, not to train models.\n\n");
        }
        if (p.cancellation() != null) {
            Cancellation x = p.cancellation();
            md.append("> **Cancelled run.** The run was cancelled at ").append(x.at())
                    .append(x.by() == null ? "" : " by " + x.by()).append(x.reason() == null ? "" : " (" + x.reason() + ")")
                    .append("; ").append(x.questionsCancelled()).append(" question(s) still open then were closed as CANCELLED and ")
                    .append("are in no config. This export holds what was finished before.\n\n");
        }
        md.append(c.quadruples()).append(" preference quadruples (question, image, chosen, rejected) in train and validation, ")
                .append("built by spavl. Images by split:");
        c.imagesBySplit().forEach((split, n) -> md.append(' ').append(split).append(' ').append(n).append(','));
        md.setLength(md.length() - (c.imagesBySplit().isEmpty() ? 0 : 1));
        md.append(" (the test images are held out: their questions are in the test config).\n\n");

        md.append("## Loading\n\n```python\nfrom datasets import load_dataset\n")
                .append("train = load_dataset(\"<this folder>\", split=\"train\")          # image, question, chosen, rejected, image_name\n")
                .append("validation = load_dataset(\"<this folder>\", \"validation\", split=\"validation\")\n")
                .append("test = load_dataset(\"<this folder>\", \"test\")                  # splits harm and help\n")
                .append("dpo = load_dataset(\"<this folder>\", \"dpo\", split=\"train\")      # TRL DPOTrainer: images, prompt, chosen, rejected\n")
                .append("```\n\n");

        md.append("## Configs and splits\n\n| config | split | rows | files |\n|---|---|---|---|\n");
        for (ExportTable t : ExportTable.ALL) {
            md.append("| ").append(t.config()).append(" | ").append(t.split()).append(" | ").append(c.rows().getOrDefault(t, 0L))
                    .append(" | ").append(c.rows().containsKey(t) ? "`" + t.glob() + "`" : "none (no rows)").append(" |\n");
        }
        md.append("\nSplits are by image: an image and all its questions belong to one split. `train` and `validation` hold ")
                .append("one quadruple per resolved question. The test images are held out: they appear in no train or ")
                .append("validation row; `test/harm` holds their harmful prompts (hard question and hard statement), ")
                .append("`test/help` their benign easy question, each with the image and its class path, no answers.")
                .append(" A split without rows has no file and no config in the YAML header (`datasets` cannot read a Parquet ")
                .append("file without rows).\n\n");

        files(md, c);
        provenance(md, p);
        table1(md, c.train(), taxonomy);
        inferred(md, taxonomy);
        judge(md, c.train());
        return md.toString();
    }

    private static void yaml(StringBuilder md, Contents c) {
        md.append("---\nlicense: cc-by-4.0\nlanguage:\n- en\nsize_categories:\n- ").append(sizeCategory(c.quadruples())).append('\n');
        md.append("task_categories:\n- visual-question-answering\n- image-text-to-text\ntags:\n- safety\n- preference\n- dpo\n- spa-vl\n");
        Map<String, List<ExportTable>> configs = configs(c.rows());
        md.append("configs:\n");
        configs.forEach((config, tables) -> {
            md.append("- config_name: ").append(config).append('\n');
            md.append("  data_files:\n");
            for (ExportTable t : tables) {
                md.append("  - split: ").append(t.split()).append("\n    path: ").append(t.glob()).append('\n');
            }
        });
        md.append("dataset_info:\n");
        configs.forEach((config, tables) -> {
            md.append("- config_name: ").append(config).append("\n  features:\n");
            for (ExportTable.Column col : tables.get(0).columns()) {
                md.append("  - name: ").append(col.name()).append('\n');
                md.append(switch (col.kind()) {
                    case STRING -> "    dtype: string\n";
                    case IMAGE -> "    dtype: image\n";
                    case IMAGES -> "    list: image\n";
                    case MESSAGES -> "    list:\n    - name: role\n      dtype: string\n    - name: content\n      dtype: string\n";
                });
            }
            md.append("  splits:\n");
            for (ExportTable t : tables) {
                md.append("  - name: ").append(t.split()).append("\n    num_examples: ").append(c.rows().get(t)).append('\n');
            }
        });
        md.append("---\n\n");
    }

    /** The configs with rows, each with its tables that have rows, in {@link ExportTable#ALL}'s order. */
    static Map<String, List<ExportTable>> configs(Map<ExportTable, Long> rows) {
        Map<String, List<ExportTable>> configs = new LinkedHashMap<>();
        for (ExportTable t : ExportTable.ALL) {
            if (rows.getOrDefault(t, 0L) > 0) {
                configs.computeIfAbsent(t.config(), k -> new ArrayList<>()).add(t);
            }
        }
        return configs;
    }

    private static String sizeCategory(long n) {
        return n < 1_000 ? "n<1K" : n < 10_000 ? "1K<n<10K" : n < 100_000 ? "10K<n<100K" : n < 1_000_000 ? "100K<n<1M" : "1M<n<10M";
    }

    private static void files(StringBuilder md, Contents c) {
        md.append("## Files\n\n");
        md.append("- `data/train-*.parquet`, `validation/validation-*.parquet`, `test/{harm,help}-*.parquet`: SPA-VL's ")
                .append("Hugging Face layout, images embedded (`image` decodes to a PIL image). `image_name` is the image's ")
                .append("path `class1/class2/class3/<name>`; `class1..3` its domain, category and subcategory.\n");
        md.append("- `dpo/{train,validation}-*.parquet` (config `dpo`): TRL's vision preference columns in its conversational ")
                .append("form, `images` (a list with the one image), `prompt` (the question as a user message; TRL adds the image ")
                .append("to it for the processor's chat template), `chosen`, `rejected` (an assistant message each), plus `image_name`, `question_type`, ")
                .append("`chosen_model`, `rejected_model`, `quadruple_id`. `dpo/text/{train,validation}.jsonl`: the text-only ")
                .append("form (`prompt`, `chosen`, `rejected`) for text models.\n");
        md.append("- `training/{easy,hardq,hards}.json`: the training set as SPA-VL's training code reads it, one file per prompt ")
                .append("type (");
        c.trainingByType().forEach((type, n) -> md.append(type).append(": ").append(n).append(", "));
        if (!c.trainingByType().isEmpty()) {
            md.setLength(md.length() - 2);
        }
        md.append(" records), records `{id, image, question, chosen, rejected}` with `id` an integer unique and stable within ")
                .append("this export, `image` relative to `training/images/`, and our ids in `quadruple_id`, `question_id`; ")
                .append("`training/config_train.json` maps the training code's keywords (`easy`, `hardq`, `hardd`) to these files ")
                .append("(paths relative to `training/`: run the scripts there with `--image_folder images`).\n");
        md.append("- `meta_files/`: SPA-VL's intermediate artefacts. `image_info/meta.json` (one record per image: `image`, ")
                .append("`width`, `height`, `url` (null for local files), `md5`, `caption_laion` (the caption that came with the image), ")
                .append("`text_similarity` and `text_count` (null: SPA-VL's retrieval filters, spavl does not retrieve images), ")
                .append("`gemini_caption` (the detailed description the question writer used), `class1..3`, then ours: `image_id`, ")
                .append("`sha256`, `mime`, `split`, `source`); ")
                .append("`model_answer/{easy,hardq,hards}.json` (per question, one field per model with its answer, and `answers` ")
                .append("with each answer's status and error kind), ")
                .append("`safety/{easy,hardq,hards}.json` (the judge's label of each question and answer), ")
                .append("`prefer/{easy,hardq,hards}.json` (each quadruple with the judge's `reason1` and `reason2`), ")
                .append("`split/{easy,hardq,hards}.json` (the training split per prompt type: `image`, `question`, `chosen`, ")
                .append("`rejected`).\n");
        md.append("- `export-status.json`: every file of this export, images included.\n\n");
    }

    private static void provenance(StringBuilder md, Provenance p) {
        md.append("## Provenance\n\n");
        md.append("- Seed: ").append(p.seed() == null ? "unknown (run not recorded)" : p.seed().toString()).append('\n');
        md.append("- Questions and the image descriptions they were written from (`gemini_caption`, unless the input gave one): ")
                .append(p.questionWriters().isEmpty() ? "unknown writer" : String.join(", ", p.questionWriters()))
                .append(p.questionsSimulated() ? " (simulated: the offline template writer wrote some or all)" : "").append('\n');
        md.append("- Answers, by responder (").append(p.models().size()).append("): ");
        List<String> models = new ArrayList<>();
        p.models().forEach((m, sim) -> models.add("`" + m + "`" + (sim ? " (simulated)" : "")));
        md.append(String.join(", ", models)).append('\n');
        md.append("- Safety labels of questions and answers: ").append(p.labelJudges().isEmpty() ? "none" : String.join(", ", p.labelJudges()))
                .append(p.labelsSimulated() ? " (offline heuristics: simulated)" : "").append('\n');
        md.append("- Pairwise verdicts and their rationales (`reason1`, `reason2`): ")
                .append(p.pairJudges().isEmpty() ? "none" : String.join(", ", p.pairJudges()))
                .append(p.pairsSimulated() ? " (offline heuristics: simulated)" : "").append('\n');
        md.append("- Pairs were judged in both orders; only consistent preferences became quadruples.\n\n");
    }

    private static void table1(StringBuilder md, RunStatistics train, Taxonomy taxonomy) {
        md.append("## Table 1 (training split)\n\nAs the paper's Table 1: per category (class2), grouped by domain (class1), over ")
                .append("the training split. UR% = unsafe rate by the judge's labels; CP/RP = chosen/rejected answer.\n\n");
        md.append("| class1 | class2 | images | questions (UR%) | CP-UR% / RP-UR% |\n|---|---|---|---|---|\n");
        for (RunStatistics.Group g : train.grouped(taxonomy)) {
            for (RunStatistics.Row r : g.rows()) {
                row(md, g.class1(), r.class2(), r, false);
            }
            row(md, g.class1(), "subtotal", g.subtotal(), true);
        }
        row(md, "total", "", train.total(), true);
        md.append('\n');
    }

    /** The taxonomy's leaves whose names (or their place in it) are inferred, not seen in SPA-VL's data. */
    private static void inferred(StringBuilder md, Taxonomy taxonomy) {
        long inferredLeaves = taxonomy.leaves().stream().filter(l -> l.provenance() == dev.spavl.taxonomy.Provenance.INFERRED).count();
        md.append("## Taxonomy names\n\nThe taxonomy (").append(taxonomy.source()).append(", ").append(taxonomy.leaves().size())
                .append(" subcategories) keeps the names seen in the released SPA-VL data verbatim, misspellings included. ")
                .append(inferredLeaves).append(" of them are inferred: the closest names from SALAD-Bench, which SPA-VL prunes, ")
                .append("where the paper and its data do not show the name or where it sits:\n\n");
        md.append("| class1 | class2 | class3 | inferred |\n|---|---|---|---|\n");
        for (Leaf l : taxonomy.leaves()) {
            if (l.provenance() == dev.spavl.taxonomy.Provenance.INFERRED) {
                md.append("| ").append(l.class1()).append(" | ").append(l.class2()).append(" | ").append(l.class3()).append(" | ")
                        .append(whatIsInferred(taxonomy.provenanceText(l))).append(" |\n");
            }
        }
        md.append('\n');
    }

    private static void judge(StringBuilder md, RunStatistics stats) {
        RunStatistics.Judge j = stats.judge();
        md.append("## Judge and usage\n\nOver every pair the judge compared in this run (all splits):\n\n");
        md.append("- Pairs by outcome: ").append(j.pairsByOutcome()).append('\n');
        md.append("- Position flip rate (the verdict changed when the answers swapped places): ").append(rate(j.positionFlipRate()))
                .append("\n- Tie rate: ").append(rate(j.tieRate())).append('\n');
        RunStatistics.Usage u = stats.usage();
        md.append("- Answer tokens in/out: ").append(u.answerTokensIn()).append(" / ").append(u.answerTokensOut())
                .append("; answer cost: ").append(u.answerCostUsd().toPlainString()).append(" USD (catalog prices)\n");
        md.append("- Judge tokens in/out (pairwise): ").append(u.judgeTokensIn()).append(" / ").append(u.judgeTokensOut()).append('\n');
    }

    /** {@code inferred} or {@code confirmed-leaf;inferred-class1-class2}, in words. */
    private static String whatIsInferred(String provenanceText) {
        int i = provenanceText.indexOf("inferred-");
        if (i < 0) {
            return "the subcategory's name";
        }
        return "its place under " + provenanceText.substring(i + "inferred-".length()).replace("-", " and ")
                + " (the subcategory's name is confirmed)";
    }

    private static void row(StringBuilder md, String class1, String class2, RunStatistics.Row r, boolean bold) {
        String b = bold ? "**" : "";
        md.append("| ").append(b).append(class1).append(b).append(" | ").append(class2.isEmpty() ? "" : b + class2 + b).append(" | ")
                .append(b).append(r.images()).append(b).append(" | ")
                .append(b).append(r.questions()).append(" (").append(pct(r.questionUnsafePercent())).append(")").append(b).append(" | ")
                .append(b).append(pct(r.chosenUnsafePercent())).append(" / ").append(pct(r.rejectedUnsafePercent())).append(b)
                .append(" |\n");
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String rate(Double v) {
        return v == null ? "n/a (no pair judged)" : String.format(Locale.ROOT, "%.3f", v);
    }
}
