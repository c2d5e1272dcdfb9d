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
            List.of(image("image"), text("question"), text("chosen"), text("rejected"), text("image_name")));
    static final ExportTable VALIDATION = new ExportTable("validation", "validation", "validation", "validation",
            List.of(image("image"), text("question"), text("chosen"), text("rejected"), text("class1"), text("class2"), text("class3")));
    static final ExportTable TEST_HARM = new ExportTable("test", "harm", "test", "harm",
            List.of(image("image"), text("question"), text("class1"), text("class2"), text("class3")));
    static final ExportTable TEST_HELP = new ExportTable("test", "help", "test", "help", TEST_HARM.columns());
    static final ExportTable DPO_TRAIN = new ExportTable("dpo", "train", "dpo", "train",
            List.of(new Column("images", Kind.IMAGES), messages("prompt"), messages("chosen"), messages("rejected"), text("image_name"),
                    text("question_type"), text("chosen_model"), text("rejected_model"), text("quadruple_id")));
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

    private static Column text(String name) {
        return new Column(name, Kind.STRING);
    }

    private static Column image(String name) {
        return new Column(name, Kind.IMAGE);
    }

    private static Column messages(String name) {
        return new Column(name, Kind.MESSAGES);
    }
}
