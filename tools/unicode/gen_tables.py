#!/usr/bin/env python3
"""Generates runtime/src/tokenizer/unicode_tables.{c,h}: the Unicode data the WordPiece tokenizer needs.

Baseline: Python's unicodedata, pinned to Unicode 14.0.0 (Python 3.11), with the definitions Hugging Face
tokenizers' BertNormalizer / BertPreTokenizer use:
  CLEAN_DROP   U+0000, U+FFFD, and "other" characters Cc Cf Co (not Cn), except TAB LF CR
  CLEAN_SPACE  TAB LF CR and White_Space characters that are not dropped
  SPLIT_SPACE  White_Space (Rust char::is_whitespace), split points of BertPreTokenizer
  PUNCT        P* categories and ASCII 33-47, 58-64, 91-96, 123-126
  MARK         Mn: removed after NFD when strip_accents is on
  CJK          the CJK ideograph blocks of BertNormalizer's is_chinese_char
  NFD          full canonical decomposition (recursive, Hangul included)
  LOWER        full lowercase mapping of one character (Rust char::to_lowercase: no final-sigma rule)

The oracle (the `tokenizers` Rust crate) mixes Unicode versions: its category tables (unicode_categories,
unicode-normalization-alignments) are older than 14.0 and its lowercase (Rust std) is newer, and its CJK
ranges differ. When the `tokenizers` package is importable (in .venv) every code point is probed through
BertNormalizer / BertPreTokenizer and the tables follow the oracle where it differs from the baseline; the
number of overridden code points per property is written into the generated header.

Layout (compact_table.py): a three-level trie of deduplicated blocks maps a code point to one 6-byte record per
distinct (flags, NFD, lowercase); the sequences live once in a uint32 pool. The header carries a CRC-32 per
property over all code points, computed from the data before packing, which tests/tokenizer/tables checks.

Run: .venv/bin/python tools/unicode/gen_tables.py   (deterministic; rewrites the two files)
"""
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compact_table as ct  # noqa: E402

UNICODE_VERSION = "14.0.0"
ORACLE_TOKENIZERS_VERSION = "0.23.3"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(ROOT, "runtime", "src", "tokenizer")

CLEAN_DROP, CLEAN_SPACE, SPLIT_SPACE, PUNCT, MARK, CJK = 1, 2, 4, 8, 16, 32

WHITE_SPACE = set([9, 10, 11, 12, 13, 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029,
                   0x202F, 0x205F, 0x3000])
HANGUL_FIRST, HANGUL_COUNT = 0xAC00, 11172
CJK_RANGES = [(0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0x20000, 0x2A6DF), (0x2A700, 0x2B73F), (0x2B740, 0x2B81F),
              (0x2B820, 0x2CEAF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F)]


def code_points():
    # Surrogates never come out of the UTF-8 decoder; '|' is the probe separator (ASCII punctuation).
    return [c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]


def baseline(cp):
    ch = chr(cp)
    cat = unicodedata.category(ch)
    flags = 0
    if cp in (0, 0xFFFD) or (cat in ("Cc", "Cf", "Co") and cp not in (9, 10, 13)):
        flags |= CLEAN_DROP
    elif cp in WHITE_SPACE:
        flags |= CLEAN_SPACE
    if cp in WHITE_SPACE:
        flags |= SPLIT_SPACE
    if 33 <= cp <= 47 or 58 <= cp <= 64 or 91 <= cp <= 96 or 123 <= cp <= 126 or cat.startswith("P"):
        flags |= PUNCT
    if cat == "Mn":
        flags |= MARK
    if any(lo <= cp <= hi for lo, hi in CJK_RANGES):
        flags |= CJK
    nfd = [ord(x) for x in unicodedata.normalize("NFD", ch)]
    lower = [ord(x) for x in ch.lower()]
    return flags, (nfd if nfd != [cp] else None), (lower if lower != [cp] else None)


def probe_oracle(cps, flags, nfd, lower):
    """Makes the tables follow the tokenizers crate. Returns {property: overridden count}."""
    import tokenizers
    from tokenizers import normalizers, pre_tokenizers
    if tokenizers.__version__ != ORACLE_TOKENIZERS_VERSION:
        print(f"warning: tokenizers {tokenizers.__version__}, tables were validated against "
              f"{ORACLE_TOKENIZERS_VERSION}", file=sys.stderr)
    probe_cps = [c for c in cps if c != ord("|")]

    def run(normalizer):
        out = {}
        for i in range(0, len(probe_cps), 4096):
            chunk = probe_cps[i:i + 4096]
            got = normalizer.normalize_str("|" + "|".join(map(chr, chunk)) + "|").split("|")[1:-1]
            assert len(got) == len(chunk)
            out.update(zip(chunk, got))
        return out

    def bert(**kw):
        args = dict(clean_text=False, handle_chinese_chars=False, strip_accents=False, lowercase=False)
        args.update(kw)
        return normalizers.BertNormalizer(**args)

    counts = dict(clean=0, cjk=0, split=0, mark=0, nfd=0, lower=0)
    clean = run(bert(clean_text=True))
    cjk = run(bert(handle_chinese_chars=True))
    strip = run(bert(strip_accents=True))
    low = run(bert(lowercase=True))
    pretok = pre_tokenizers.BertPreTokenizer()
    for c in probe_cps:
        ch = chr(c)
        want = (CLEAN_DROP if clean[c] == "" else 0) | (CLEAN_SPACE if clean[c] == " " and c != 0x20 else 0)
        if c == 0x20:
            want = CLEAN_SPACE
        if (flags[c] & (CLEAN_DROP | CLEAN_SPACE)) != want:
            flags[c] = (flags[c] & ~(CLEAN_DROP | CLEAN_SPACE)) | want
            counts["clean"] += 1
        want = CJK if cjk[c] == " " + ch + " " else 0
        if (flags[c] & CJK) != want:
            flags[c] = (flags[c] & ~CJK) | want
            counts["cjk"] += 1
        pieces = len(pretok.pre_tokenize_str("a" + ch + "b"))
        want = {1: 0, 2: SPLIT_SPACE, 3: PUNCT}[pieces]
        if (flags[c] & (SPLIT_SPACE | PUNCT)) != want:
            flags[c] = (flags[c] & ~(SPLIT_SPACE | PUNCT)) | want
            counts["split"] += 1
        want = [ord(x) for x in low[c]]
        if (lower[c] or [c]) != want:
            lower[c] = want if want != [c] else None
            counts["lower"] += 1
    # Marks: a character without decomposition is a mark iff strip_accents removes it alone.
    for c in probe_cps:
        if nfd[c] is None:
            want = MARK if strip[c] == "" else 0
            if (flags[c] & MARK) != want:
                flags[c] = (flags[c] & ~MARK) | want
                counts["mark"] += 1
    # Decompositions: where NFD-then-drop-marks with our tables disagrees, take the oracle's result
    # (the crate's NFD is from an older Unicode version).
    for c in probe_cps:
        ours = [x for x in (nfd[c] or [c]) if not flags[x] & MARK]
        want = [ord(x) for x in strip[c]]
        if ours != want:
            nfd[c] = want if want != [c] else None
            counts["nfd"] += 1
    return counts


def main():
    if unicodedata.unidata_version != UNICODE_VERSION:
        sys.exit(f"need Unicode {UNICODE_VERSION} (Python 3.11), have {unicodedata.unidata_version}")
    cps = code_points()
    flags, nfd, lower = [0] * 0x110000, [None] * 0x110000, [None] * 0x110000
    for c in cps:
        flags[c], nfd[c], lower[c] = baseline(c)
    try:
        counts = probe_oracle(cps, flags, nfd, lower)
        oracle_line = ("Overridden to follow tokenizers " + ORACLE_TOKENIZERS_VERSION + " (code points): " +
                       ", ".join(f"{k} {v}" for k, v in counts.items()))
    except ImportError:
        oracle_line = "tokenizers not importable: baseline only (NOT oracle-checked)"

    # Hangul syllables decompose algorithmically (tern_unicode_hangul_nfd): keep 11 172 entries out of the pool.
    for c in range(HANGUL_FIRST, HANGUL_FIRST + HANGUL_COUNT):
        assert nfd[c] == [ord(x) for x in unicodedata.normalize("NFD", chr(c))] and not flags[c] and not lower[c]
        nfd[c] = None

    # CRC-32 per property over all code points (surrogates: no flags, identity), before any packing.
    f_stream, n_stream, l_stream = [], [], []
    hangul = range(HANGUL_FIRST, HANGUL_FIRST + HANGUL_COUNT)
    for c in range(ct.CODE_POINTS):
        f_stream.append(flags[c])
        n = [ord(x) for x in unicodedata.normalize("NFD", chr(c))] if c in hangul else nfd[c]
        n_stream.extend([len(n), *n] if n else [0])
        l_stream.extend([len(lower[c]), *lower[c]] if lower[c] else [0])
    checks = ct.crc32_u32(f_stream), ct.crc32_u32(n_stream), ct.crc32_u32(l_stream)

    # One record per distinct (flags, nfd, lower); a three-level trie maps code points to records.
    pool = ct.Pool([x for x in nfd + lower if x])
    record_index = {(0, 0, 0, 0, 0): 0}
    record_of = [0] * ct.CODE_POINTS
    for c in cps:
        rec = (flags[c], len(nfd[c] or []), len(lower[c] or []), pool[nfd[c]], pool[lower[c]])
        record_of[c] = record_index.setdefault(rec, len(record_index))
    records = sorted(record_index, key=record_index.get)
    assert len(records) < 65536 and len(pool.values) < 65536 and max(flags) < 64
    assert max(r[1] for r in records) < 32 and max(r[2] for r in records) < 32
    shift1, shift2, stage1, stage2, stage3 = ct.three_level(record_of)
    size = (sum(len(a) * ct.width(a) for a in (stage1, stage2, stage3)) + 6 * len(records)
            + 4 * len(pool.values))

    header = f"""/* unicode_tables.h — GENERATED by tools/unicode/gen_tables.py; do not edit.
 *
 * Unicode {UNICODE_VERSION} (Python unicodedata) with Hugging Face tokenizers' BertNormalizer /
 * BertPreTokenizer definitions. {oracle_line}.
 * {len(records)} records, pool of {len(pool.values)} code points, {size} bytes (tools/unicode/compact_table.py).
 */
#ifndef TERN_TOKENIZER_UNICODE_TABLES_H
#define TERN_TOKENIZER_UNICODE_TABLES_H

#include <stdint.h>

#define TERN_UC_CLEAN_DROP {CLEAN_DROP}   /* removed by clean_text */
#define TERN_UC_CLEAN_SPACE {CLEAN_SPACE}  /* becomes ' ' under clean_text */
#define TERN_UC_SPLIT_SPACE {SPLIT_SPACE}  /* the pre-tokenizer splits here and drops it */
#define TERN_UC_PUNCT {PUNCT}        /* the pre-tokenizer makes it a word of its own */
#define TERN_UC_MARK {MARK}        /* removed after NFD by strip_accents */
#define TERN_UC_CJK {CJK}         /* surrounded by spaces by tokenize_chinese_chars */
#define TERN_UC_MAX_EXPANSION {max(max(len(n or []) for n in nfd), max(len(l or []) for l in lower))}
/* CRC-32 over all code points of: flags; NFD (0, or length then code points; Hangul included); lowercase
 * (the same), as little-endian uint32 (tests/tokenizer/tables). */
#define TERN_UC_CRC_FLAGS 0x{checks[0]:08X}u
#define TERN_UC_CRC_NFD 0x{checks[1]:08X}u
#define TERN_UC_CRC_LOWER 0x{checks[2]:08X}u

/* 6 bytes: the records are a large part of the table. */
typedef struct tern_unicode_record {{
  uint16_t flags : 6;
  uint16_t nfd_length : 5;   /* 0: the character is its own NFD */
  uint16_t lower_length : 5; /* 0: the character is its own lowercase */
  uint16_t nfd_offset;       /* into tern_unicode_pool */
  uint16_t lower_offset;
}} tern_unicode_record;

{ct.c_extern("tern_unicode_stage1", stage1)}
{ct.c_extern("tern_unicode_stage2", stage2)}
{ct.c_extern("tern_unicode_stage3", stage3)}
extern const tern_unicode_record tern_unicode_records[{len(records)}];
extern const uint32_t tern_unicode_pool[{len(pool.values)}];

/* cp must be <= 0x10FFFF (the UTF-8 decoder guarantees it). */
{ct.c_lookup("tern_unicode", "tern_unicode_record", shift1, shift2)}

/* Hangul syllables (U+AC00..U+D7A3) are not in the NFD table: their decomposition is arithmetic
 * (Unicode 14.0, section 3.12). Writes 2 or 3 jamo to out and returns the count, or 0 for other cp. */
static inline unsigned tern_unicode_hangul_nfd(uint32_t cp, uint32_t out[3]) {{
  uint32_t s = cp - 0xAC00u;
  if (cp < 0xAC00u || s >= 11172u) return 0;
  out[0] = 0x1100u + s / 588u;
  out[1] = 0x1161u + (s % 588u) / 28u;
  if (s % 28u == 0) return 2;
  out[2] = 0x11A7u + s % 28u;
  return 3;
}}

#endif /* TERN_TOKENIZER_UNICODE_TABLES_H */
"""
    body = "\n\n".join([
        "/* unicode_tables.c — GENERATED by tools/unicode/gen_tables.py; do not edit (see unicode_tables.h). */\n"
        '#include "tokenizer/unicode_tables.h"',
        ct.c_array("tern_unicode_stage1", stage1),
        ct.c_array("tern_unicode_stage2", stage2),
        ct.c_array("tern_unicode_stage3", stage3),
        "const tern_unicode_record tern_unicode_records[%d] = {\n%s\n};" % (
            len(records), "\n".join("  {%d, %d, %d, %d, %d}," % r for r in records)),
        ct.c_array("tern_unicode_pool", pool.values, per_line=12),
    ]) + "\n"
    with open(os.path.join(OUT_DIR, "unicode_tables.h"), "w") as f:
        f.write(header)
    with open(os.path.join(OUT_DIR, "unicode_tables.c"), "w") as f:
        f.write(body)
    print(f"records {len(records)}, pool {len(pool.values)}, shifts {shift1}/{shift2}, {size} bytes; {oracle_line}")


if __name__ == "__main__":
    main()
