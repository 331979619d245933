#!/usr/bin/env python3
"""Oracle ids for the SentencePiece parity test: the sentencepiece library (Python wheel, 0.2.x) on the
shared corpus (tests/data/tokenizer_corpus). Writes tests/tokenizer/sentencepiece/oracle.tar.xz with one
line of ids per corpus item (no special tokens), items decoded with errors="replace":

  albert-tiny.txt        models/sentencepiece/albert-tiny.model as transformers' AlbertTokenizer: the raw
                         text split at the special tokens ([CLS] [SEP] [MASK] <unk> <pad>, matched verbatim,
                         as both the slow 4.x and the 5.x tokenizer do), each piece in between through
                         AlbertTokenizer.preprocess_text (do_lower_case=True, remove_space=True,
                         keep_accents=False: the classic, slow AlbertTokenizer of transformers <= 4.x and
                         ALBERT's tokenization.py; reproduced below because transformers 5 no longer ships
                         it) and the sentencepiece library
  albert-tiny-raw.txt    the same model on the raw text (sentencepiece alone)
  alt-bytefallback.txt   models/sentencepiece/alt-bytefallback.model on the raw text
  userdefined-corpus.txt extra items (corpus format) dense in the alt model's user-defined pieces, whose
                         ties decide the library's float arithmetic ("linux....", "x:::"), made here with a
                         fixed seed; userdefined-alt.txt holds their ids
  long-corpus.txt        texts of 60 000..65 536 bytes (the session default max_text_bytes): corpus items
                         joined by assorted whitespace, and one 60 000-byte word; long-albert-tiny.txt,
                         long-albert-tiny-raw.txt and long-alt-bytefallback.txt hold their ids as above

Run in the repository's .venv: .venv/bin/python tests/tokenizer/sentencepiece/make_oracle.py
The C test needs none of this at run time.
"""
import io
import os
import random
import sys
import re
import tarfile
import unicodedata

import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CORPUS = os.path.join(ROOT, "tests", "data", "tokenizer_corpus", "corpus.tar.xz")
MODELS = os.path.join(ROOT, "models", "sentencepiece")
OUT = os.path.join(HERE, "oracle.tar.xz")

sys.path.insert(0, os.path.join(ROOT, "tools", "unicode"))
import make_corpus  # noqa: E402  (the corpus format: escape / read_corpus)


def load_corpus():
    return make_corpus.read_corpus(CORPUS)


def albert_preprocess_text(inputs, remove_space=True, keep_accents=False, do_lower_case=True):
    """transformers 4.x AlbertTokenizer.preprocess_text, verbatim in behaviour."""
    if remove_space:
        outputs = " ".join(inputs.strip().split())
    else:
        outputs = inputs
    outputs = outputs.replace("``", '"').replace("''", '"')
    if not keep_accents:
        outputs = unicodedata.normalize("NFKD", outputs)
        outputs = "".join([c for c in outputs if not unicodedata.combining(c)])
    if do_lower_case:
        outputs = outputs.lower()
    return outputs


ALBERT_SPECIALS = ["[CLS]", "[SEP]", "[MASK]", "<unk>", "<pad>"]


def albert_encode(processor, text):
    """AlbertTokenizer(...)(text, add_special_tokens=False): special tokens verbatim, the rest per piece."""
    pattern = re.compile("|".join(re.escape(s) for s in sorted(ALBERT_SPECIALS, key=len, reverse=True)))
    ids, pos = [], 0
    for match in pattern.finditer(text):
        ids += processor.encode(albert_preprocess_text(text[pos:match.start()]))
        ids.append(processor.piece_to_id(match.group()))
        pos = match.end()
    return ids + processor.encode(albert_preprocess_text(text[pos:]))


def userdefined_items():
    rng = random.Random(5)
    atoms = [".", ":", "x", "a", "<sep>", "http://", "ab", "the", "..", "::", "<cls>", "h", "ttp", "/", "linux",
             "\u0431", "\u00f6", "1", " "]
    items = ["....", "linux....", "x:::", "linux.......", "b....", "a:::"]
    items += ["".join(rng.choice(atoms) for _ in range(rng.randint(2, 14))) for _ in range(3000)]
    return items


def long_items(texts):
    rng = random.Random(7)
    separators = [" ", "  ", "\t", " \n ", "\u3000", "\r\n", "   "]
    items = []
    for start in (0, 5000, 11000, 17000, 23000):
        item, pos = "", start
        while True:
            piece = rng.choice(separators) + texts[pos % len(texts)]
            if len((item + piece).encode()) > 65536 - rng.randint(0, 5000):
                break
            item += piece
            pos += 1
        items.append(item)
    items.append("Supercalifragilistic" * 3000)
    return items


def escape(text):
    data = text.encode()
    for byte in (0x5C, 0x00, 0x0A, 0x0D):
        data = data.replace(bytes([byte]), b"\\x%02x" % byte)
    return data.decode()


def ids_file(processor, texts):
    return "".join(" ".join(map(str, processor.encode(t))) + "\n" for t in texts)


def main():
    texts = load_corpus()
    albert = spm.SentencePieceProcessor(model_file=os.path.join(MODELS, "albert-tiny.model"))
    alt = spm.SentencePieceProcessor(model_file=os.path.join(MODELS, "alt-bytefallback.model"))
    files = {
        "albert-tiny.txt": "".join(" ".join(map(str, albert_encode(albert, t))) + "\n" for t in texts),
        "albert-tiny-raw.txt": ids_file(albert, texts),
        "alt-bytefallback.txt": ids_file(alt, texts),
        "userdefined-corpus.txt": "".join(escape(t) + "\n" for t in userdefined_items()),
        "userdefined-alt.txt": ids_file(alt, userdefined_items()),
        "long-corpus.txt": "".join(escape(t) + "\n" for t in long_items(texts)),
        "long-albert-tiny.txt": "".join(" ".join(map(str, albert_encode(albert, t))) + "\n" for t in long_items(texts)),
        "long-albert-tiny-raw.txt": ids_file(albert, long_items(texts)),
        "long-alt-bytefallback.txt": ids_file(alt, long_items(texts)),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:xz") as tar:
        for name, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
    with open(OUT, "wb") as f:
        f.write(buffer.getvalue())
    print(f"wrote {OUT}: {len(texts)} items, {len(buffer.getvalue())} bytes; sentencepiece {spm.__version__}")


if __name__ == "__main__":
    main()
