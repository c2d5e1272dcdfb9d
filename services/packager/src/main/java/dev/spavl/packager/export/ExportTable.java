package dev.spavl.packager.export;

import java.util.List;

/**
 * One Parquet table of an export: the {@code datasets} config and split it is loaded as, where its shards go, and its
 * columns. The one home of the export's Parquet layout: the writer ({@link HuggingFaceParquet}) and the card's YAML
 * ({@link DatasetCard}) both read it, so the features the card declares are the features the files carry.
 *
 * <p>The first four are SPA-VL's own ({@code sqrti/SPA-VL}): {@code default/train}, {@code validation/validation},
 * {@code test/harm}, {@code test/help}. The {@code dpo} tables are ours: TRL's vision preference columns in its
 * conversational form (the image is not in the prompt's text: TRL adds it to the first user message for the
 * processor's chat template, whatever the model's image token).
 */
record ExportTable(String config, String split, String folder, String prefix, List<Column> columns) {

    /** A column and its {@code datasets} feature. Every column is nullable, as {@code datasets} writes them. */
    record Column(String name, Kind kind) {
    }

    /** The feature kinds the export uses. */
    enum Kind {
        /** {@code Value("string")}. */
        STRING,
        /** {@code Image()}: {@code struct<bytes: binary, path: string>}. */
        IMAGE,
        /** {@code List(Image())}: TRL's {@code images} column. */
        IMAGES,
        /** {@code List({"role": string, "content": string})}: one chat message, TRL's conversational form. */
        MESSAGES
    }

    static final ExportTable TRAIN = new ExportTable("default", "train", "data", "train",
            columns("image:IMAGE", "question", "chosen", "rejected", "image_name"));
    static final ExportTable VALIDATION = new ExportTable("validation", "validation", "validation", "validation",
            columns("image:IMAGE", "question", "chosen", "rejected", "class1", "class2", "class3"));
    static final ExportTable TEST_HARM = new ExportTable("test", "harm", "test", "harm",
            columns("image:IMAGE", "question", "class1", "class2", "class3"));
    static final ExportTable TEST_HELP = new ExportTable("test", "help", "test", "help",
            columns("image:IMAGE", "question", "class1", "class2", "class3"));
    static final ExportTable DPO_TRAIN = new ExportTable("dpo", "train", "dpo", "train",
            columns("images:IMAGES", "prompt:MESSAGES", "chosen:MESSAGES", "rejected:MESSAGES", "image_name", "question_type", "chosen_model",
                    "rejected_model", "quadruple_id"));
    static final ExportTable DPO_VALIDATION = new ExportTable("dpo", "validation", "dpo", "validation", DPO_TRAIN.columns());

    /** Every table, in the order the card lists them. */
    static final List<ExportTable> ALL = List.of(TRAIN, VALIDATION, TEST_HARM, TEST_HELP, DPO_TRAIN, DPO_VALIDATION);

    /** The card's {@code data_files} glob of this table. */
    String glob() {
        return folder + "/" + prefix + "-*.parquet";
    }

    /** Shard {@code index}: {@code data/train-00000.parquet}. */
    String shard(int index) {
        return String.format("%s/%s-%05d.parquet", folder, prefix, index);
    }

    int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException(config + "/" + split + " has no column " + column);
    }

    private static List<Column> columns(String... specs) {
        return java.util.Arrays.stream(specs).map(s -> {
            int colon = s.indexOf(':');
            return colon < 0 ? new Column(s, Kind.STRING) : new Column(s.substring(0, colon), Kind.valueOf(s.substring(colon + 1)));
        }).toList();
    }
}
