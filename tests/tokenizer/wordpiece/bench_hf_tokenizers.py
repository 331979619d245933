#!/usr/bin/env python3
"""Single-thread tokens/s of Hugging Face tokenizers (Rust) on the shared corpus, same settings as
bench_wordpiece.c ([CLS]/[SEP], no truncation), and the ratio against bench_wordpiece.

Run: .venv/bin/python tests/tokenizer/wordpiece/bench_hf_tokenizers.py <build>/tests/tokenizer/wordpiece/bench_wordpiece
(RAYON_NUM_THREADS=1 and TOKENIZERS_PARALLELISM=false are set here, before tokenizers is imported.)
"""
import json
import os
import subprocess
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from make_oracle import MODEL, load_corpus  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def main():
    texts = load_corpus()
    tok = Tokenizer.from_file(os.path.join(MODEL, "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    best_batch = best_loop = 1e30
    tokens = 0
    for _ in range(5):
        t = time.perf_counter()
        enc = tok.encode_batch(texts)  # one Python call: measures the Rust side
        best_batch = min(best_batch, time.perf_counter() - t)
        tokens = sum(len(e.ids) for e in enc)
        t = time.perf_counter()
        for s in texts:
            tok.encode(s)
        best_loop = min(best_loop, time.perf_counter() - t)
    hf = {"tokens": tokens, "batch_tokens_per_second": tokens / best_batch, "loop_tokens_per_second": tokens / best_loop}
    print("hf tokenizers:", json.dumps(hf))
    if len(sys.argv) > 1:
        data = os.path.join(os.path.dirname(sys.argv[1]), "data")
        out = subprocess.run([sys.argv[1], data, os.path.join(data, "corpus.txt")], check=True, capture_output=True,
                             text=True).stdout
        tern = json.loads(out)
        print("tern:", json.dumps(tern))
        assert tern["tokens"] == tokens, "different token counts: not the same work"
        hf_best = max(hf["batch_tokens_per_second"], hf["loop_tokens_per_second"])
        print(f"ratio tern / hf (single thread, hf's faster mode): {tern['tokens_per_second'] / hf_best:.1f}x")


if __name__ == "__main__":
    main()
