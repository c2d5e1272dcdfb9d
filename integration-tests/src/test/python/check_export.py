"""Loads a spavl export the way its users do, with Hugging Face `datasets`, and checks it against its own card.

    python3 check_export.py <export dir>

For every config the card's YAML declares: every Parquet file of it carries the card's features itself (its Arrow
schema, every field nullable, and its `huggingface` metadata, so a reader without the card gets them too);
`datasets.load_dataset(dir, config)` loads it (which also checks each split's row count against the card's
`dataset_info`), the features of every split equal the card's, every image cell decodes to a PIL image, and the
held-out test images appear in no train or validation row (nor in the dpo config). Prints one JSON object
(configs -> split -> rows) and exits 0; any failed check raises, so the exit code is not 0 and the traceback says why.
"""
import json
import os
import sys
import tempfile

# the export is local: never ask the Hub for anything
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="spavl-hf-"))

import glob  # noqa: E402

import datasets  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402
import yaml  # noqa: E402
from PIL import Image  # noqa: E402


def card_yaml(export_dir):
    with open(os.path.join(export_dir, "README.md"), encoding="utf-8") as f:
        text = f.read()
    assert text.startswith("---\n"), "the card has no YAML header"
    return yaml.safe_load(text.split("---\n")[1])


def image_paths(split):
    """The `path` of each image cell (the image's name), read without decoding the bytes."""
    return {cell["path"] for cell in split.cast_column("image", datasets.Image(decode=False))["image"]}


def check_files(export_dir, config, expected):
    """Each Parquet file of the config: all fields nullable, features (from its schema and metadata) = the card's."""
    globs = [f["path"] for f in config["data_files"]]
    files = [f for g in globs for f in sorted(glob.glob(os.path.join(export_dir, g)))]
    assert files, f"{config['config_name']}: no file matches {globs}"
    for f in files:
        schema = pq.read_schema(f)
        not_null = [field.name for field in schema if not field.nullable]
        assert not not_null, f"{f}: non-nullable fields {not_null}"
        from_metadata = datasets.Features.from_arrow_schema(schema)
        assert from_metadata == expected, f"{f}: features {from_metadata} != card {expected}"
        assert expected.arrow_schema == schema.remove_metadata(), f"{f}: Arrow schema {schema} != {expected.arrow_schema}"
    return len(files)


def decoded(value):
    if isinstance(value, list):
        return all(decoded(v) for v in value)
    assert isinstance(value, Image.Image), f"not a PIL image: {type(value)}"
    value.load()
    return True


def main(export_dir):
    meta = card_yaml(export_dir)
    declared = {c["config_name"]: c for c in meta["configs"]}
    infos = {i["config_name"]: i for i in meta["dataset_info"]}
    assert set(declared) == set(infos), f"configs {sorted(declared)} but dataset_info for {sorted(infos)}"
    assert {"default", "validation", "test", "dpo"} <= set(declared), f"configs: {sorted(declared)}"
    report = {}
    loaded = {}
    for name, info in infos.items():
        expected = datasets.Features._from_yaml_list(info["features"])
        check_files(export_dir, declared[name], expected)
        ds = datasets.load_dataset(export_dir, name)
        splits = {s["name"]: s["num_examples"] for s in info["splits"]}
        assert set(ds.keys()) == set(splits), f"{name}: splits {sorted(ds.keys())}, card {sorted(splits)}"
        report[name] = {}
        for split_name, split in ds.items():
            assert split.features == expected, f"{name}/{split_name}: features {split.features} != card {expected}"
            assert split.num_rows == splits[split_name], f"{name}/{split_name}: {split.num_rows} rows, card {splits[split_name]}"
            assert split.num_rows > 0, f"{name}/{split_name} is declared but empty"
            for column in ("image", "images"):
                if column in split.features:
                    assert all(decoded(v) for v in split[column]), f"{name}/{split_name}: {column}"
            report[name][split_name] = split.num_rows
            loaded[(name, split_name)] = split
    held_out = set()
    for split_name in ("harm", "help"):
        if ("test", split_name) in loaded:
            held_out |= image_paths(loaded[("test", split_name)])
    for key in (("default", "train"), ("validation", "validation")):
        shared = held_out & image_paths(loaded[key])
        assert not shared, f"held-out images in {key[0]}/{key[1]}: {sorted(shared)}"
    for key in (("dpo", "train"), ("dpo", "validation")):
        if key in loaded:
            shared = held_out & set(loaded[key]["image_name"])
            assert not shared, f"held-out images in {key[0]}/{key[1]}: {sorted(shared)}"
    if ("dpo", "validation") in loaded:
        assert sorted(loaded[("dpo", "validation")]["chosen"], key=str) == sorted(
            [[{"role": "assistant", "content": c}] for c in loaded[("validation", "validation")]["chosen"]], key=str), \
            "dpo/validation does not hold the validation split's answers"
    print(json.dumps({"configs": report, "held_out_images": len(held_out)}))


if __name__ == "__main__":
    main(sys.argv[1])
