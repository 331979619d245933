#!/usr/bin/env python3
"""Makes an ALBERT-base-shaped checkpoint (V30000, E128, H768, 12 layers, 1 group, 12 heads, FFN 3072,
gelu_new, fixed seed) for size and speed work. Not committed, not in CI (~47 MB of float32).

  python models/make_albert_base.py OUT_DIR
  tern-convert OUT_DIR -o albert-base-int8.tern --report albert-base.json

The tokenizer is albert-tiny's SentencePiece model (3000 pieces) padded with unused pieces up to 30000, so
the vocabulary, and therefore the file size, has the real shape (filler pieces are "▁" + a hex number:
about as long as real ALBERT pieces, and never produced by the tokenizer: score -100)."""

import json
import pathlib
import sys

import numpy as np
from safetensors.numpy import save_file

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import make_tiny_models  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools" / "convert"))
from tern_convert.spm_proto import fields  # noqa: E402

VOCAB = 30000


def main(out_dir):
    out = pathlib.Path(out_dir)
    config = dict(make_tiny_models.ALBERT_CONFIG, vocab_size=VOCAB, embedding_size=128, hidden_size=768,
                  num_hidden_layers=12, num_attention_heads=12, intermediate_size=3072,
                  max_position_embeddings=512)
    tensors, _ = make_tiny_models.albert_tensors(config, seed=3001)
    spm = make_tiny_models.SPM_MODEL.read_bytes()
    out.mkdir(parents=True, exist_ok=True)
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    tokenizer_config = dict(make_tiny_models.ALBERT_TOKENIZER_CONFIG, model_max_length=512)
    (out / "tokenizer_config.json").write_text(json.dumps(tokenizer_config, indent=2, sort_keys=True) + "\n")
    (out / "spiece.model").write_bytes(spm + padded_spm_tail(spm, VOCAB))
    save_file({k: tensors[k] for k in sorted(tensors)}, str(out / "model.safetensors"))


def padded_spm_tail(data, vocab):
    """Encoded UNUSED pieces (ModelProto field 1, type 5) to append so the model has `vocab` pieces; appending
    keeps the existing ids (repeated fields are read in order)."""
    existing = {value.split(b"\x15")[0] for number, _, value in fields(data) if number == 1}
    count = len(existing)
    extra = bytearray()
    serial = 0
    while count < vocab:
        piece = f"\u2581{serial:x}".encode()  # ~7 bytes, like real ALBERT pieces
        serial += 1
        if b"\x0a" + bytes([len(piece)]) + piece in existing:
            continue
        count += 1
        body = b"\x0a" + bytes([len(piece)]) + piece + b"\x15" + np.float32(-100.0).tobytes() + b"\x18\x05"
        extra += b"\x0a" + bytes([len(body)]) + body
    return bytes(extra)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
