#!/usr/bin/env python3
"""Builds the shared tokenizer parity corpus: tests/data/tokenizer_corpus/corpus.tar.xz (one member,
corpus.txt). Deterministic for a given set of installed fortunes packages (fortunes, fortunes-de,
fortunes-ru, fortunes-zh, fortunes-min; all UTF-8 as installed by Debian 12).

Format of corpus.txt: one item per line (LF-terminated). An item is arbitrary BYTES (not necessarily
valid UTF-8); inside a line, the bytes 0x00, 0x0A, 0x0D and 0x5C (backslash) are written as \\x00,
\\x0a, \\x0d, \\x5c and every other byte is written as itself. Nothing else is escaped.

Run: python3 tools/unicode/make_corpus.py   (any Python 3.9+, no packages needed)
"""
import io
import lzma
import os
import random
import sys
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "data", "tokenizer_corpus", "corpus.tar.xz")
FORTUNES = "/usr/share/games/fortunes"
SEED = 20240605


def escape(item: bytes) -> bytes:
    out = bytearray()
    for b in item:
        if b in (0x00, 0x0A, 0x0D, 0x5C):
            out += b"\\x%02x" % b
        else:
            out.append(b)
    return bytes(out)


def unescape(line: bytes) -> bytes:
    """Inverse of escape(): \\xHH back to the byte."""
    out, i = bytearray(), 0
    while i < len(line):
        if line[i] == 0x5C:
            out.append(int(line[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(line[i])
            i += 1
    return bytes(out)


def read_corpus(path):
    """The corpus items of corpus.tar.xz as str, decoded the way the oracles see them (errors="replace")."""
    with tarfile.open(path) as tar:
        data = tar.extractfile("corpus.txt").read()
    return [unescape(l).decode("utf-8", errors="replace") for l in data.split(b"\n")[:-1]]


def fortune_files():
    groups = {"en": [], "de": [], "ru": [], "zh": []}
    for dirpath, dirnames, filenames in os.walk(FORTUNES):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.endswith((".dat", ".u8")) or os.path.islink(path):
                continue
            rel = os.path.relpath(path, FORTUNES)
            if rel.startswith("de/"):
                groups["de"].append(path)
            elif rel.startswith("ru/"):
                groups["ru"].append(path)
            elif name in ("chinese", "tang300", "song100"):
                groups["zh"].append(path)
            elif "/" not in rel:
                groups["en"].append(path)
    return groups


def fortunes_of(paths):
    entries = []
    for path in paths:
        with open(path, "rb") as f:
            data = f.read().replace(b"\r\n", b"\n")
        entries.extend(e.strip(b"\n") for e in data.split(b"\n%\n") if e.strip())
    return entries


def lines_of(entries):
    return [line for e in entries for line in e.split(b"\n") if line.strip()]


def u(s):
    return s.encode("utf-8")


def hard_cases(rng):
    items = []
    marks = [chr(c) for c in list(range(0x300, 0x370)) + list(range(0x1AB0, 0x1ACF)) + list(range(0x20D0, 0x20F1))]
    bases = "aeiouAEIOUnNcCzZsSyY"
    for _ in range(300):
        word = "".join(rng.choice(bases) + "".join(rng.choice(marks) for _ in range(rng.randint(0, 3)))
                       for _ in range(rng.randint(1, 8)))
        items.append(u(word + " " + "café naïve Ångström façade São Paulo Łódź İstanbul ΣΟΦΟΣ ǅemal ß ẞ ﬁ"[: rng.randint(0, 70)]))
    emoji = ["👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇩🇪🇯🇵", "1️⃣", "🥲", "🫠", "❤️", "☺", "🧑🏿‍🚀", "👩‍💻", "#️⃣", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "😀😃😄"]
    for _ in range(200):
        items.append(u(" ".join(rng.choice(emoji) + rng.choice(["", "ok", "!", "x"]) for _ in range(rng.randint(1, 6)))))
    fullwidth = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "ｱｲｳｴｵｶｷｸｹｺﾞﾟ　"
    for _ in range(200):
        items.append(u("".join(rng.choice(fullwidth) for _ in range(rng.randint(1, 30)))))
    controls = [chr(c) for c in list(range(0, 32)) + [0x7F] + list(range(0x80, 0xA0))] + [
        "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u2028", "\u2029", "\ufeff", "\u00ad", "\u202e",
        "\ue000", "\U000f0000", "\U000e0001", "\u180e", "\u00a0", "\u1680", "\u2007", "\u3000", "\u0085",
        "\ufffd", "\u2060", "\u061c", "\u0378", "\U0001fffe"]
    for _ in range(300):
        items.append(u("".join(rng.choice(controls) if rng.random() < 0.4 else rng.choice("ab cd,.") for _ in
                               range(rng.randint(1, 25)))))
    scripts = ["Hello", "мир", "κόσμος", "مرحبا", "שלום", "नमस्ते", "สวัสดี", "안녕하세요", "こんにちは", "カタカナ", "中文字符",
               "𠀀𠀁𪜀", "\U0002b820\U0002b8ff\U0002ceaf", "ቋንቋ", "ᏣᎳᎩ", "ꦧꦱꦗꦮ", "Ⅻ Ⓐ ㎏ ℃", "x²₃", "Ω≈ç√∫"]
    for _ in range(400):
        items.append(u("".join(rng.choice(scripts) + rng.choice(["", " ", "-", "。", "，"]) for _ in range(rng.randint(1, 6)))))
    for n in (1, 50, 98, 99, 100, 101, 102, 150, 200, 500, 2000):
        items.append(u("a" * n))
        items.append(u("é" * n))
        items.append(u("x" + "\u0301" * n))
        items.append(u("pneumonoultramicroscopicsilicovolcanoconiosis" * (n // 45 + 1))[: n + 10])
        items.append(u("9" * n))
    for _ in range(200):
        alphabet = rng.choice(["0123456789", "!?.,;:-_()[]{}<>@#$%^&*+=~`|/\\'\"", "0123456789.,-+%", "…—–«»„“”‘’¡¿·•"])
        items.append(u("".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))))
    for s in ["[CLS]", "[SEP]", "[UNK]", "[PAD]", "[MASK]", "[cls]", "[ SEP ]", "a[SEP]b", "[[SEP]]", "[SEP[SEP]",
              "##", "##ing", "foo##bar", "#hashtag", "[MASK]ed", "x[UNK]y[CLS]", "[CLS", "SEP]"]:
        items.append(u(s))
        items.append(u("text " + s + " more"))
    invalid = [b"\x80", b"\xbf", b"\xc0\x80", b"\xc1\xbf", b"\xc2", b"\xe0\x80\x80", b"\xe0\xa0", b"\xed\xa0\x80",
               b"\xed\xbf\xbf", b"\xef\xbf", b"\xf0\x80\x80\x80", b"\xf0\x90\x80", b"\xf4\x90\x80\x80", b"\xf5\x80",
               b"\xfe", b"\xff", b"\xf8\x88\x80\x80\x80", b"\xe2\x82", b"\xe2\x28\xa1", b"\xc3\x28"]
    for _ in range(400):
        parts = [rng.choice(invalid) if rng.random() < 0.5 else rng.choice([b"ab", b" ", b"\xc3\xa9", b"\xe4\xb8\xad",
                                                                           b"x\x00y", b".", b"\xf0\x9f\x98\x80"])
                 for _ in range(rng.randint(1, 10))]
        items.append(b"".join(parts))
    for _ in range(100):
        items.append(bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))))
    for _ in range(100):
        items.append(b"nul\x00inside" * rng.randint(1, 3) + b"\x00")
    # Random code points over the whole range (assigned or not): exercises every table.
    for _ in range(1000):
        cps = []
        for _ in range(rng.randint(1, 12)):
            c = rng.randrange(0x110000) if rng.random() < 0.5 else rng.randrange(0x3000)
            if 0xD800 <= c <= 0xDFFF:
                c = 0x41
            cps.append(chr(c))
            if rng.random() < 0.3:
                cps.append(" ")
        items.append(u("".join(cps)))
    items.append(b"")
    items.append(b" ")
    items.append(b"\t\n\r ")
    return items


def main():
    rng = random.Random(SEED)
    groups = fortune_files()
    items = []
    quotas = {"en": 9000, "de": 4000, "ru": 4000, "zh": 3000}
    for lang, paths in groups.items():
        entries = fortunes_of(paths)
        lines = lines_of(entries)
        if not lines:
            sys.exit(f"no fortunes for {lang}: install fortunes, fortunes-de, fortunes-ru, fortunes-zh")
        items.extend(rng.sample(lines, min(quotas[lang], len(lines))))
        items.extend(rng.sample(entries, min(250, len(entries))))  # whole multi-line fortunes
    items.extend(hard_cases(rng))
    body = b"".join(escape(i) + b"\n" for i in items)
    info = tarfile.TarInfo("corpus.txt")
    info.size, info.mtime, info.mode = len(body), 0, 0o644
    info.uname = info.gname = "tern"
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        tar.addfile(info, io.BytesIO(body))
    with open(OUT, "wb") as f:
        f.write(lzma.compress(raw.getvalue(), preset=9 | lzma.PRESET_EXTREME))
    print(f"{len(items)} items, {len(body)} bytes -> {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
