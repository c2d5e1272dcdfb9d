"""Reads a spavl export's training/ folder the way SPA-VL's training code (EchoseChen/SPA-VL-RLHF) does.

    python3 read_spavl_training.py <export dir>

Written from that repository's documented behaviour, not its code: its scripts run with `--config_train_path` (a JSON
object from keyword to a JSON file of records), `--keywords` (which files) and `--image_folder`; each file is one JSON
array; each record's `id` becomes `torch.tensor(id, dtype=torch.long)`, `image` is opened at
`os.path.join(image_folder, image)` and converted to RGB, `question` gets the `<image>\n` prefix added by the loader
(so it must not carry one), `chosen` and `rejected` are strings. Runs in training/ as its scripts would, with the
keywords the config offers (SPA-VL's are easy, hardq, hardd). Prints a JSON summary; any failed check raises.
"""
import json
import os
import sys

import torch
from PIL import Image


def main(export_dir):
    training = os.path.join(export_dir, "training")
    os.chdir(training)
    with open("config_train.json", encoding="utf-8") as f:
        config = json.load(f)
    assert set(config) <= {"easy", "hardq", "hardd"}, f"keywords {sorted(config)}"
    records = []
    for keyword, path in config.items():
        assert path.endswith("json"), f"{keyword}: {path} is not a JSON file"
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        assert isinstance(data, list) and data, f"{path}: not a non-empty JSON array"
        records.extend(data)
    ids = []
    for record in records:
        ids.append(torch.tensor(record["id"], dtype=torch.long))
        image = Image.open(os.path.join("images", record["image"])).convert("RGB")
        assert image.size[0] > 0 and image.size[1] > 0
        for field in ("question", "chosen", "rejected"):
            assert isinstance(record[field], str) and record[field].strip(), f"record {record['id']}: {field} empty"
        assert "<image>" not in record["question"], f"record {record['id']}: the question carries an image token"
    as_ints = [int(i) for i in ids]
    assert len(set(as_ints)) == len(as_ints), "ids repeat"
    print(json.dumps({"keywords": sorted(config), "records": len(records), "ids": [min(as_ints), max(as_ints)]}))


if __name__ == "__main__":
    main(sys.argv[1])
