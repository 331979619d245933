#!/usr/bin/env python3
"""Measures how transformers 5's (tokenizers-backed) AlbertTokenizer differs from the oracle the C tokenizer
matches (make_oracle.albert_encode: special tokens verbatim + classic preprocess_text + sentencepiece), on
the shared corpus, and sorts the differences. Not a test; needs /work/fixvenv-style transformers:
  HF_HUB_OFFLINE=1 /work/fixvenv/bin/python tests/tokenizer/sentencepiece/compare_transformers5.py
Measured (transformers 5, sentencepiece 0.2.3): 306 of 24294 items differ, none involving special tokens:
250 with combining marks (tokenizers' StripAccents drops category Mn, the original drops combining class
!= 0, e.g. U+20DD enclosing marks are kept by the original), 52 with control / format characters
(tokenizers' whitespace handling differs from str.split()), 4 exact score ties broken the other way.
"""
import os
import sys
import unicodedata

import sentencepiece as spm
from transformers import AlbertTokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_oracle  # noqa: E402

ROOT = make_oracle.ROOT


def category(text, ours, theirs, processor):
    if any(s in text for s in make_oracle.ALBERT_SPECIALS):
        return "special token"
    a, b = [processor.id_to_piece(i) for i in ours], [processor.id_to_piece(i) for i in theirs]
    if "".join(a) == "".join(b) and sorted(a) == sorted(b):
        return "tie"
    decomposed = unicodedata.normalize("NFKD", text)
    if any(unicodedata.category(c).startswith("M") or unicodedata.combining(c) for c in decomposed):
        return "marks"
    return "other (control/format characters)"


def main():
    processor = spm.SentencePieceProcessor(model_file=os.path.join(make_oracle.MODELS, "albert-tiny.model"))
    hf = AlbertTokenizer.from_pretrained(os.path.join(ROOT, "models", "albert-tiny"))
    counts = {}
    texts = make_oracle.load_corpus()
    for text in texts:
        ours = make_oracle.albert_encode(processor, text)
        theirs = hf(text, add_special_tokens=False)["input_ids"]
        if ours != theirs:
            c = category(text, ours, theirs, processor)
            counts[c] = counts.get(c, 0) + 1
    print(f"{sum(counts.values())} of {len(texts)} items differ: {counts}")


if __name__ == "__main__":
    main()
