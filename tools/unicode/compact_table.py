"""Packing helpers shared by the Unicode table generators (tools/unicode/gen_tables.py and
models/sentencepiece/gen_albert_tables.py): a three-level trie over per-code-point record indices with
deduplicated blocks, a code point pool where every sequence is stored once (and reused when it already
occurs inside a longer one), and checksums that let a C test compare the compact lookup with the
generator's source data for every code point.

Everything is deterministic: ties are broken by order of first appearance, never by hashing.
"""
import zlib

CODE_POINTS = 0x110000


class Pool:
    """uint32 code point sequences; a sequence that already occurs anywhere in the pool is not stored again."""

    def __init__(self, sequences):
        # Longest first, so that shorter sequences find themselves inside longer ones.
        unique = sorted(set(tuple(s) for s in sequences if s), key=lambda s: (-len(s), s))
        self.values, self.offset = [], {}
        for seq in unique:
            self.offset[seq] = self._find(seq)

    def _find(self, seq):
        first, n = seq[0], len(seq)
        values = self.values
        start = 0
        while True:
            try:
                i = values.index(first, start)
            except ValueError:
                break
            if tuple(values[i:i + n]) == seq:
                return i
            start = i + 1
        # Overlap with the pool's tail where possible.
        for k in range(min(n - 1, len(values)), 0, -1):
            if tuple(values[-k:]) == seq[:k]:
                values.extend(seq[k:])
                return len(values) - n
        values.extend(seq)
        return len(values) - n

    def __getitem__(self, seq):
        return self.offset[tuple(seq)] if seq else 0


def c_type(max_value):
    return "uint8_t" if max_value < 256 else "uint16_t" if max_value < 65536 else "uint32_t"


def three_level(values):
    """Returns (shift1, shift2, stage1, stage2, stage3) minimizing the bytes of the three arrays.

    record = stage3[(stage2[(stage1[cp >> shift1] << (shift1 - shift2)) | ((cp >> shift2) & mask12)]
             << shift2) | (cp & mask2)]
    """
    best = None
    for shift2 in range(3, 9):
        blocks, index3, stage3 = {}, [], []
        size2 = 1 << shift2
        for start in range(0, len(values), size2):
            key = tuple(values[start:start + size2])
            if key not in blocks:
                blocks[key] = len(blocks)
                stage3.extend(key)
            index3.append(blocks[key])
        for shift1 in range(shift2 + 2, 15):
            span = 1 << (shift1 - shift2)
            blocks1, stage1, stage2 = {}, [], []
            for start in range(0, len(index3), span):
                key = tuple(index3[start:start + span])
                if key not in blocks1:
                    blocks1[key] = len(blocks1)
                    stage2.extend(key)
                stage1.append(blocks1[key])
            size = sum(len(a) * width(a) for a in (stage1, stage2, stage3))
            if best is None or size < best[0]:
                best = (size, shift1, shift2, stage1, stage2, stage3)
    return best[1:]


def width(array):
    return {"uint8_t": 1, "uint16_t": 2, "uint32_t": 4}[c_type(max(array))]


def c_array(name, values, per_line=16):
    lines = [f"const {c_type(max(values))} {name}[{len(values)}] = {{"]
    for i in range(0, len(values), per_line):
        lines.append("  " + ", ".join(str(v) for v in values[i:i + per_line]) + ",")
    lines.append("};")
    return "\n".join(lines)


def c_extern(name, values):
    return f"extern const {c_type(max(values))} {name}[{len(values)}];"


def c_lookup(prefix, record_type, shift1, shift2):
    """The inline lookup: three loads, no branches."""
    return f"""static inline const {record_type} *{prefix}_lookup(uint32_t cp) {{
  uint32_t block2 = {prefix}_stage1[cp >> {shift1}];
  uint32_t block3 = {prefix}_stage2[(block2 << {shift1 - shift2}) | ((cp >> {shift2}) & {(1 << (shift1 - shift2)) - 1}u)];
  return &{prefix}_records[{prefix}_stage3[(block3 << {shift2}) | (cp & {(1 << shift2) - 1}u)]];
}}"""


def crc32_u32(values):
    """CRC-32 (zlib) of the values as little-endian uint32: the same bytes a C test hashes."""
    return zlib.crc32(b"".join(v.to_bytes(4, "little") for v in values)) & 0xFFFFFFFF
