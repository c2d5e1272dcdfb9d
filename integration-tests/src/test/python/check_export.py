"""Loads a spavl export the way its users do, with Hugging Face `datasets`, and checks it against its own card.

    python3 check_export.py <export dir>

For every config the card's YAML declares: `datasets.load_dataset(dir, config)` loads it (which also checks each
split's row count against the card's `dataset_info`), the features of every split equal the card's, every image cell
decodes to a PIL image, and the held-out test images appear in no train or validation row. Prints one JSON object
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

import datasets  # noqa: E402
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
        ds = datasets.load_dataset(export_dir, name)
        splits = {s["name"]: s["num_examples"] for s in info["splits"]}
        assert set(ds.keys()) == set(splits), f"{name}: splits {sorted(ds.keys())}, card {sorted(splits)}"
        report[name] = {}
        for split_name, split in ds.items():
            assert split.features == expected, f"{name}/{split_name}: features {split.features} != card {expected}"
            assert split.num_rows == splits[split_name], f"{name}/{split_name}: {split.num_rows} rows, card {splits[split_name]}"
            assert split.num_rows > 0, f"{name}/{split_name} is declared but empty"
            row = split[0]
            if "image" in split.features:
                assert isinstance(row["image"], Image.Image), f"{name}/{split_name}: image is {type(row['image'])}"
                row["image"].load()
            if "images" in split.features:
                assert isinstance(row["images"][0], Image.Image), f"{name}/{split_name}: images[0] is {type(row['images'][0])}"
            report[name][split_name] = split.num_rows
            loaded[(name, split_name)] = split
    held_out = set()
    for split_name in ("harm", "help"):
        if ("test", split_name) in loaded:
            held_out |= image_paths(loaded[("test", split_name)])
    for key in (("default", "train"), ("validation", "validation")):
        shared = held_out & image_paths(loaded[key])
        assert not shared, f"held-out images in {key[0]}/{key[1]}: {sorted(shared)}"
    print(json.dumps({"configs": report, "held_out_images": len(held_out)}))


if __name__ == "__main__":
    main(sys.argv[1])
