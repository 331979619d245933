#!/usr/bin/env python3
"""Trains the two small SentencePiece-unigram models the tokenizer tests use.

Both are trained on public text from Debian's fortunes packages (fortunes, fortunes-de, fortunes-ru), so
they can be committed and regenerated anywhere those packages are installed. Training is made
deterministic (fixed seed, one thread, no input shuffling, input lines sorted and de-duplicated), so
running this script again gives byte-identical .model files for a given sentencepiece version.

  albert-tiny.model       ALBERT-like: nmt_nfkc, add_dummy_prefix, <pad>=0 <unk>=1 [CLS]=2 [SEP]=3
                          [MASK]=4 as control symbols (the layout of ALBERT's spiece.model), English.
  alt-bytefallback.model  different flags on every axis the runtime implements: byte_fallback,
                          no dummy prefix, extra whitespace kept, nfkc_cf normalization, split digits,
                          user-defined symbols; English + German + Russian.

Usage: python models/sentencepiece/train.py [--out DIR]
"""
import argparse
import io
import os
import sys

import sentencepiece as spm

FORTUNES = "/usr/share/games/fortunes"
# The Chinese collections live in the English folder; the ALBERT-like model is English only.
CHINESE = {"chinese", "tang300", "song100"}
SEED = 20240601


def fortune_files(folder, exclude=()):
    files = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith((".dat", ".u8")) or name in exclude or not os.path.isfile(path) or os.path.islink(path):
            continue
        files.append(path)
    return files


def read_lines(files):
    lines = set()
    for path in files:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", errors="replace")
        for line in text.split("\n"):
            line = line.strip()
            if line and line != "%":
                lines.add(line)
    return sorted(lines)


def train(lines, out_path, **flags):
    model = io.BytesIO()
    spm.set_random_generator_seed(SEED)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type="unigram",
        num_threads=1,
        shuffle_input_sentence=False,
        input_sentence_size=0,
        minloglevel=2,
        **flags,
    )
    with open(out_path, "wb") as f:
        f.write(model.getvalue())
    print(f"wrote {out_path} ({len(model.getvalue())} bytes, {len(lines)} training lines)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = parser.parse_args()
    if not os.path.isdir(FORTUNES):
        sys.exit(f"{FORTUNES} not found: install the Debian packages fortunes, fortunes-de, fortunes-ru")

    english = read_lines(fortune_files(FORTUNES, exclude=CHINESE))
    train(
        english,
        os.path.join(args.out, "albert-tiny.model"),
        vocab_size=3000,
        normalization_rule_name="nmt_nfkc",
        character_coverage=0.9995,
        pad_id=0, pad_piece="<pad>",
        unk_id=1, unk_piece="<unk>",
        bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        add_dummy_prefix=True,
        remove_extra_whitespaces=True,
    )

    multilingual = read_lines(
        fortune_files(FORTUNES, exclude=CHINESE)
        + fortune_files(os.path.join(FORTUNES, "de"))
        + fortune_files(os.path.join(FORTUNES, "ru"))
    )
    train(
        multilingual,
        os.path.join(args.out, "alt-bytefallback.model"),
        vocab_size=4000,
        normalization_rule_name="nfkc_cf",
        character_coverage=0.995,
        byte_fallback=True,
        split_digits=True,
        add_dummy_prefix=False,
        remove_extra_whitespaces=False,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        user_defined_symbols=["<sep>", "<cls>", "http://", "...", "::"],
        max_sentencepiece_length=12,
    )


if __name__ == "__main__":
    main()
