#!/usr/bin/env python3
"""Generates runtime/src/tokenizer/sentencepiece_albert_tables.{c,h}: the Unicode data of the classic
AlbertTokenizer.preprocess_text (transformers <= 4.x, identical to ALBERT's original tokenization.py):

    outputs = " ".join(inputs.strip().split())                # remove_space (str.isspace)
    outputs = outputs.replace("``", '"').replace("''", '"')
    outputs = unicodedata.normalize("NFKD", outputs)          # keep_accents=False ...
    outputs = "".join(c for c in outputs if not unicodedata.combining(c))
    outputs = outputs.lower()                                 # do_lower_case

Every property comes from the running Python (3.11: Unicode 14.0.0), so the tables are exactly the oracle's:
  SPACE           str.isspace()
  DECOMP          NFKD(c) without the characters whose canonical combining class is not 0. Canonical
                  reordering only permutes characters with a non-zero class, all of which are dropped, so
                  the per-character decomposition is exact for whole strings. Hangul syllables decompose
                  by arithmetic (tern_albert_decomposition), not through the pool.
  LOWER           str.lower() of the single character (full mapping, SpecialCasing included)
  CASED / CASE_IGNORABLE  the two properties of Python's Final_Sigma rule (handle_capital_sigma), probed
                  through str.lower() itself: CASED = cased and not case-ignorable (the only combination
                  that rule ever tests), CASE_IGNORABLE = skipped by that rule.

Layout (tools/unicode/compact_table.py): a three-level trie of deduplicated blocks maps a code point to one
6-byte record per distinct (flags, decomposition, lowercase); the sequences live once in a uint32 pool.
The header carries a CRC-32 per property over all code points, computed here from the source data, which
tests/tokenizer/tables checks against the compact lookup.

Run: .venv/bin/python models/sentencepiece/gen_albert_tables.py   (deterministic; rewrites two files)
"""
import os
import sys
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools", "unicode"))
import compact_table as ct  # noqa: E402

OUT = os.path.join(ROOT, "runtime", "src", "tokenizer", "sentencepiece_albert_tables")
SPACE, CASED, CASE_IGNORABLE = 1, 2, 4
IDENTITY, ALGORITHMIC = 31, 30  # length values (5 bits): maps to itself / Hangul syllable
HANGUL_FIRST, HANGUL_COUNT = 0xAC00, 11172


def properties(cp):
    ch = chr(cp)
    flags = SPACE if ch.isspace() else 0
    if (ch + "\u03a3").lower()[-1] == "\u03c2":
        flags |= CASED
    elif ("A" + ch + "\u03a3").lower()[-1] == "\u03c2":
        flags |= CASE_IGNORABLE
    decomp = [ord(c) for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)]
    lower = [ord(c) for c in ch.lower()]
    return flags, (None if decomp == [cp] else decomp), (None if lower == [cp] else lower)


def checksum_streams(flags, decomp, lower):
    """What tests/tokenizer/tables/test_unicode_tables_exhaustive.c hashes, from the source data."""
    f, d, l = [], [], []
    for cp in range(ct.CODE_POINTS):
        f.append(flags[cp])
        d.extend([IDENTITY] if decomp[cp] is None else [len(decomp[cp]), *decomp[cp]])
        l.extend([IDENTITY] if lower[cp] is None else [len(lower[cp]), *lower[cp]])
    return ct.crc32_u32(f), ct.crc32_u32(d), ct.crc32_u32(l)


def main():
    flags, decomp, lower = [0] * ct.CODE_POINTS, [None] * ct.CODE_POINTS, [None] * ct.CODE_POINTS
    max_decomp_ratio = max_lower_ratio = 1.0
    for cp in range(ct.CODE_POINTS):
        flags[cp], decomp[cp], lower[cp] = properties(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        size = len(chr(cp).encode())
        for seq, ratio in ((decomp[cp], "d"), (lower[cp], "l")):
            if seq is not None:
                r = len("".join(map(chr, seq)).encode()) / size
                if ratio == "d":
                    max_decomp_ratio = max(max_decomp_ratio, r)
                else:
                    max_lower_ratio = max(max_lower_ratio, r)
    checks = checksum_streams(flags, decomp, lower)

    # Hangul syllables: arithmetic decomposition, the same flags and no case, so one record for all.
    for cp in range(HANGUL_FIRST, HANGUL_FIRST + HANGUL_COUNT):
        s = cp - HANGUL_FIRST
        jamo = [0x1100 + s // 588, 0x1161 + (s % 588) // 28] + ([0x11A7 + s % 28] if s % 28 else [])
        assert decomp[cp] == jamo and lower[cp] is None and flags[cp] == flags[HANGUL_FIRST]
    hangul = range(HANGUL_FIRST, HANGUL_FIRST + HANGUL_COUNT)
    pool = ct.Pool([s for cp, s in enumerate(decomp) if s and cp not in hangul] + [s for s in lower if s])
    records, record_index, record_of = [], {}, [0] * ct.CODE_POINTS
    for cp in range(ct.CODE_POINTS):
        if cp in hangul:
            rec = (flags[cp], ALGORITHMIC, IDENTITY, 0, 0)
        else:
            d, l = decomp[cp], lower[cp]
            rec = (flags[cp], IDENTITY if d is None else len(d), IDENTITY if l is None else len(l),
                   pool[d] if d else 0, pool[l] if l else 0)
        record_of[cp] = record_index.setdefault(rec, len(record_index))
    records = sorted(record_index, key=record_index.get)
    assert len(records) < 65536 and len(pool.values) < 65536
    assert max(len(d) for d in decomp if d) < ALGORITHMIC and max(len(x) for x in lower if x) < ALGORITHMIC
    shift1, shift2, stage1, stage2, stage3 = ct.three_level(record_of)
    table_bytes = (sum(len(a) * ct.width(a) for a in (stage1, stage2, stage3)) + 6 * len(records)
                   + 4 * len(pool.values))

    header = f"""/* sentencepiece_albert_tables.h — GENERATED by models/sentencepiece/gen_albert_tables.py (with
 * tools/unicode/compact_table.py); do not edit.
 *
 * Unicode {unicodedata.unidata_version} (Python {sys.version.split()[0]} unicodedata and str methods): the data of
 * AlbertTokenizer.preprocess_text. {len(records)} records, pool of {len(pool.values)} code points, {table_bytes} bytes.
 */
#ifndef TERN_TOKENIZER_SENTENCEPIECE_ALBERT_TABLES_H
#define TERN_TOKENIZER_SENTENCEPIECE_ALBERT_TABLES_H

#include <stdint.h>

#define TERN_ALBERT_SPACE {SPACE}           /* str.isspace() */
#define TERN_ALBERT_CASED {CASED}           /* Final_Sigma: cased and not case-ignorable */
#define TERN_ALBERT_CASE_IGNORABLE {CASE_IGNORABLE}  /* Final_Sigma: skipped */
#define TERN_ALBERT_IDENTITY {IDENTITY}       /* length value: the character maps to itself */
#define TERN_ALBERT_ALGORITHMIC {ALGORITHMIC}    /* decomp_length of Hangul syllables: use tern_albert_decomposition */
/* Largest UTF-8 growth (bytes out / bytes in) of one character through DECOMP, and through LOWER. */
#define TERN_ALBERT_DECOMP_MAX_RATIO {int(-(-max_decomp_ratio // 1))}
#define TERN_ALBERT_LOWER_MAX_RATIO {int(-(-max_lower_ratio // 1))}
/* CRC-32 over all code points of: flags; decomposition (IDENTITY, or length then code points); lowercase
 * (the same), as little-endian uint32 (tests/tokenizer/tables). */
#define TERN_ALBERT_CRC_FLAGS 0x{checks[0]:08X}u
#define TERN_ALBERT_CRC_DECOMP 0x{checks[1]:08X}u
#define TERN_ALBERT_CRC_LOWER 0x{checks[2]:08X}u

/* 6 bytes: the records are most of the table. */
typedef struct tern_albert_record {{
  uint16_t flags : 3;
  uint16_t decomp_length : 5; /* NFKD without combining characters; may be 0 */
  uint16_t lower_length : 5;  /* str.lower() */
  uint16_t decomp_offset;     /* into tern_albert_pool */
  uint16_t lower_offset;
}} tern_albert_record;

{ct.c_extern("tern_albert_stage1", stage1)}
{ct.c_extern("tern_albert_stage2", stage2)}
{ct.c_extern("tern_albert_stage3", stage3)}
extern const tern_albert_record tern_albert_records[{len(records)}];
extern const uint32_t tern_albert_pool[{len(pool.values)}];

/* cp must be <= 0x10FFFF. */
{ct.c_lookup("tern_albert", "tern_albert_record", shift1, shift2)}

/* The characters cp becomes through DECOMP (rec = tern_albert_lookup(cp)): sets *chars (into the pool, or
 * into buf) and returns their count; an identity is returned as the one character cp. */
static inline unsigned tern_albert_decomposition(uint32_t cp, const tern_albert_record *rec, uint32_t buf[3],
                                                 const uint32_t **chars) {{
  *chars = buf;
  if (rec->decomp_length == TERN_ALBERT_IDENTITY) {{
    buf[0] = cp;
    return 1;
  }}
  if (rec->decomp_length == TERN_ALBERT_ALGORITHMIC) {{ /* Unicode 14.0, section 3.12 */
    uint32_t s = cp - 0x{HANGUL_FIRST:X}u;
    buf[0] = 0x1100u + s / 588u;
    buf[1] = 0x1161u + (s % 588u) / 28u;
    if (s % 28u == 0) return 2;
    buf[2] = 0x11A7u + s % 28u;
    return 3;
  }}
  *chars = &tern_albert_pool[rec->decomp_offset];
  return rec->decomp_length;
}}

#endif /* TERN_TOKENIZER_SENTENCEPIECE_ALBERT_TABLES_H */
"""
    source = "\n\n".join([
        "/* sentencepiece_albert_tables.c — GENERATED by models/sentencepiece/gen_albert_tables.py; do not edit\n"
        " * (see sentencepiece_albert_tables.h). */\n"
        '#include "tokenizer/sentencepiece_albert_tables.h"',
        ct.c_array("tern_albert_stage1", stage1),
        ct.c_array("tern_albert_stage2", stage2),
        ct.c_array("tern_albert_stage3", stage3),
        "const tern_albert_record tern_albert_records[%d] = {\n%s\n};" % (
            len(records), "\n".join("  {%d, %d, %d, %d, %d}," % r for r in records)),
        ct.c_array("tern_albert_pool", pool.values, per_line=12),
    ]) + "\n"
    with open(OUT + ".h", "w") as f:
        f.write(header)
    with open(OUT + ".c", "w") as f:
        f.write(source)
    print(f"records {len(records)}, pool {len(pool.values)}, shifts {shift1}/{shift2}, {table_bytes} bytes; "
          f"ratios decomp {max_decomp_ratio} lower {max_lower_ratio}")


if __name__ == "__main__":
    main()
