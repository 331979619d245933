#!/usr/bin/env python3
"""Single-thread tokens/s on the shared corpus: tern (bench_sentencepiece) vs the sentencepiece library vs
HF tokenizers (Rust Unigram + Precompiled normalizer + Metaspace built from the same .model).
Usage: .venv/bin/python tests/tokenizer/sentencepiece/bench_compare.py BUILD_DIR"""
import json, os, subprocess, sys, tarfile, time
import sentencepiece as spm
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, HERE)
from make_oracle import load_corpus  # noqa: E402


def charsmap(proto):
    """precompiled_charsmap (ModelProto.normalizer_spec = 3, field 2) from the serialized proto."""
    def fields(b):
        i = 0
        while i < len(b):
            key, i = varint(b, i)
            f, w = key >> 3, key & 7
            if w == 0: v, i = varint(b, i)
            elif w == 1: v, i = b[i:i + 8], i + 8
            elif w == 5: v, i = b[i:i + 4], i + 4
            else: n, i = varint(b, i); v, i = b[i:i + n], i + n
            yield f, w, v
    def varint(b, i):
        v = s = 0
        while True:
            v |= (b[i] & 0x7F) << s; s += 7; i += 1
            if b[i - 1] < 0x80: return v, i
    for f, w, v in fields(proto):
        if f == 3 and w == 2:
            for f2, w2, v2 in fields(v):
                if f2 == 2: return v2
    return b""


def best(fn, repeats=3):
    t = 1e9
    for _ in range(repeats):
        t0 = time.perf_counter(); n = fn(); t = min(t, time.perf_counter() - t0)
    return n, t


def main():
    build = sys.argv[1]
    texts = load_corpus()
    corpus = os.path.join(build, "tests", "tokenizer", "sentencepiece", "data", "corpus.txt")
    exe = os.path.join(build, "tests", "tokenizer", "sentencepiece", "bench_sentencepiece")
    for name in ("albert-tiny", "alt-bytefallback"):
        path = os.path.join(ROOT, "models", "sentencepiece", name + ".model")
        sp = spm.SentencePieceProcessor(model_file=path)
        tern = json.loads(subprocess.check_output([exe, path, corpus, "0"]))
        n_sp, t_sp = best(lambda: sum(len(sp.encode(t)) for t in texts))
        vocab = [(sp.id_to_piece(i), sp.get_score(i)) for i in range(sp.vocab_size())]
        tok = Tokenizer(models.Unigram(vocab, unk_id=sp.unk_id(), byte_fallback=name == "alt-bytefallback"))
        tok.normalizer = normalizers.Precompiled(charsmap(sp.serialized_model_proto()))
        tok.pre_tokenizer = pre_tokenizers.Metaspace(prepend_scheme="always" if name == "albert-tiny" else "never")
        n_hf, t_hf = best(lambda: sum(len(tok.encode(t, add_special_tokens=False).ids) for t in texts))
        print(json.dumps({"model": name, "tern_tokens_per_s": round(tern["tokens_per_s"]),
                          "sentencepiece_tokens_per_s": round(n_sp / t_sp), "hf_tokenizers_tokens_per_s": round(n_hf / t_hf),
                          "tern_vs_sentencepiece": round(tern["tokens_per_s"] / (n_sp / t_sp), 2),
                          "tern_vs_hf_tokenizers": round(tern["tokens_per_s"] / (n_hf / t_hf), 2)}))


if __name__ == "__main__":
    main()
