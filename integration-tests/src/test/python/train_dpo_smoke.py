"""Two DPO steps with TRL's DPOTrainer on a spavl export, with tiny models built here (no download).

    python3 train_dpo_smoke.py <export dir> text|vision

text:   dpo/text/train.jsonl (prompt, chosen, rejected) on a tiny random Llama with a word-level tokenizer.
vision: the export's `dpo` config (images, prompt, chosen, rejected in TRL's conversational form, images embedded),
        loaded with datasets.load_dataset(dir, "dpo"), on a tiny random LLaVA whose processor is built here.
The vocabulary is made from the export's own words, so the model reads the real data. Prints one JSON object with
the losses of the two steps; any failure raises.
"""
import copy
import json
import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HOME", tempfile.mkdtemp(prefix="spavl-hf-"))

import torch  # noqa: E402
from datasets import load_dataset  # noqa: E402
from tokenizers import Tokenizer, models, pre_tokenizers  # noqa: E402
from transformers import PreTrainedTokenizerFast  # noqa: E402
from trl import DPOConfig, DPOTrainer  # noqa: E402

SPECIAL = ["<pad>", "<unk>", "<s>", "</s>", "<image>", "USER:", "ASSISTANT:"]


def tokenizer_for(texts):
    words = sorted({w for t in texts for w in t.split()} - set(SPECIAL))
    vocab = {tok: i for i, tok in enumerate(SPECIAL + words)}
    tk = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tk, pad_token="<pad>", unk_token="<unk>", bos_token="<s>",
                                        eos_token="</s>", additional_special_tokens=["<image>", "USER:", "ASSISTANT:"])
    return tokenizer, vocab


def llama_config(vocab):
    from transformers import LlamaConfig
    return LlamaConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                       num_attention_heads=4, num_key_value_heads=4, max_position_embeddings=1024,
                       pad_token_id=vocab["<pad>"], bos_token_id=vocab["<s>"], eos_token_id=vocab["</s>"])


def dpo_args(work):
    return DPOConfig(output_dir=os.path.join(work, "out"), max_steps=2, per_device_train_batch_size=2, learning_rate=1e-4,
                     max_length=512, bf16=False, use_cpu=True, report_to="none", logging_steps=1, save_strategy="no",
                     dataloader_num_workers=0)


def text(export_dir, work):
    from transformers import LlamaForCausalLM
    ds = load_dataset("json", data_files=os.path.join(export_dir, "dpo/text/train.jsonl"), split="train")
    assert set(ds.column_names) == {"prompt", "chosen", "rejected"}, ds.column_names
    tokenizer, vocab = tokenizer_for([t for col in ("prompt", "chosen", "rejected") for t in ds[col]])
    torch.manual_seed(0)
    model = LlamaForCausalLM(llama_config(vocab))
    # an in-memory model has no name TRL could load its reference from: give it the frozen copy itself
    trainer = DPOTrainer(model=model, ref_model=copy.deepcopy(model), args=dpo_args(work), train_dataset=ds,
                         processing_class=tokenizer)
    return trainer, len(ds)


def vision(export_dir, work):
    from transformers import CLIPVisionConfig, LlavaConfig, LlavaForConditionalGeneration, LlavaProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil
    ds = load_dataset(export_dir, "dpo", split="train")
    row = ds[0]
    assert row["prompt"][0]["role"] == "user" and row["chosen"][0]["role"] == "assistant", row
    texts = [m["content"] for col in ("prompt", "chosen", "rejected") for msgs in ds[col] for m in msgs]
    tokenizer, vocab = tokenizer_for(texts)
    image_processor = CLIPImageProcessorPil(size={"shortest_edge": 16}, crop_size={"height": 16, "width": 16},
                                            do_center_crop=True)
    chat_template = (
        "{% for m in messages %}"
        "{% if m['role'] == 'user' %}USER: "
        "{% for c in m['content'] %}{% if c['type'] == 'image' %}<image> {% elif c['type'] == 'text' %}{{ c['text'] }} "
        "{% endif %}{% endfor %}"
        "{% elif m['role'] == 'assistant' %}ASSISTANT: "
        "{% for c in m['content'] %}{% if c['type'] == 'text' %}{{ c['text'] }} {% endif %}{% endfor %}</s> "
        "{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}ASSISTANT: {% endif %}")
    # 16x16 pixels in patches of 8: 4 image tokens, as many as the processor expands <image> into
    processor = LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=8,
                               vision_feature_select_strategy="default", num_additional_image_tokens=1,
                               chat_template=chat_template)
    vision_cfg = CLIPVisionConfig(image_size=16, patch_size=8, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                  num_attention_heads=4, projection_dim=32)
    cfg = LlavaConfig(vision_config=vision_cfg, text_config=llama_config(vocab), image_token_index=vocab["<image>"],
                      vision_feature_select_strategy="default", vision_feature_layer=-2)
    torch.manual_seed(0)
    model = LlavaForConditionalGeneration(cfg)
    trainer = DPOTrainer(model=model, ref_model=copy.deepcopy(model), args=dpo_args(work), train_dataset=ds,
                         processing_class=processor)
    batch = trainer.data_collator([ds[0], ds[min(1, len(ds) - 1)]])
    assert "pixel_values" in batch, f"no pixel values in the batch: {sorted(batch)}"
    return trainer, len(ds)


def main(export_dir, mode):
    work = tempfile.mkdtemp(prefix="spavl-dpo-")
    trainer, rows = (text if mode == "text" else vision)(export_dir, work)
    trainer.train()
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    assert trainer.state.global_step == 2, f"{trainer.state.global_step} steps"
    assert len(losses) == 2 and all(loss == loss for loss in losses), f"losses {losses}"
    print(json.dumps({"mode": mode, "rows": rows, "steps": trainer.state.global_step, "losses": losses}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
