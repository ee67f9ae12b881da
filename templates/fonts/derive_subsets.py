"""Derive the memo's fast-path fonts from the shipped originals (run by hand, output committed).

WeasyPrint subsets every font it embeds with fontTools, whose cost grows with the number of
glyphs in the *source* font: about 0.1 s for DejaVu Sans (6,253 glyphs) and 1.3 s for Droid Sans
Fallback (49,775 glyphs) per face, per memo. The memo therefore asks first for small fonts that
hold the characters memos are made of, and falls back to the full originals only for a
character none of the small fonts has (see ``font-family`` in ``../memo.css``).

    .venv/bin/python templates/fonts/derive_subsets.py

The output is deterministic (fontTools, ``head.modified`` kept from the original), so running
it again with the same fontTools gives the same files. See README.md for the sets.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

HERE = Path(__file__).parent


def _ranges(*pairs: tuple[int, int]) -> set[int]:
    return {code for start, end in pairs for code in range(start, end + 1)}


def _double_byte(codec: str, leads: range, trails: list[int]) -> set[int]:
    """Every character of a double-byte character set in the given lead-byte rows."""
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                char = bytes([lead, trail]).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(char) == 1:
                found.add(ord(char))
    return found


# Latin, Greek and Cyrillic text with its punctuation and the symbols a memo prints.
LATIN = _ranges(
    (0x0020, 0x007E), (0x00A0, 0x024F),            # ASCII, Latin-1, Latin Extended-A and -B
    (0x0300, 0x036F),                              # combining diacritical marks
    (0x0370, 0x03FF), (0x0400, 0x04FF),            # Greek, Cyrillic
    (0x1E00, 0x1EFF),                              # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F), (0x20A0, 0x20BF),            # general punctuation, currency
    (0x2100, 0x214F), (0x2190, 0x21FF),            # letterlike symbols, arrows
    (0x2200, 0x22FF),                              # mathematical operators
    (0xFFFD, 0xFFFD),                              # replacement character
)
# CJK punctuation, kana and fullwidth forms, plus ASCII and the no-break space: the shaper keeps
# spaces and ASCII punctuation next to CJK text in the CJK font's run, so it must have them.
CJK_COMMON = _ranges((0x0020, 0x007E), (0x00A0, 0x00A0), (0x3000, 0x30FF), (0xFF00, 0xFFEF))
# GB 2312 level 1: the 3,755 most frequent simplified Chinese characters.
HANZI_SC = _double_byte("gb2312", range(0xB0, 0xD8), list(range(0xA1, 0xFF)))
# Big5 level 1: the 5,401 frequent traditional characters (those not already in the SC file).
HANZI_TC = _double_byte("big5", range(0xA4, 0xC7), list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)))
# KS X 1001: the 2,350 Hangul syllables of everyday Korean, and compatibility jamo.
HANGUL = _double_byte("euc_kr", range(0xB0, 0xC9), list(range(0xA1, 0xFF))) | _ranges((0x3130, 0x318F))

# name: (source, characters, keep OpenType layout (kerning, marks) for the shaper)
DERIVED = {
    "DejaVuSans-MemoLatin.ttf": ("DejaVuSans.ttf", LATIN, True),
    "DejaVuSans-Bold-MemoLatin.ttf": ("DejaVuSans-Bold.ttf", LATIN, True),
    "DejaVuSansMono-MemoLatin.ttf": ("DejaVuSansMono.ttf", LATIN, True),
    "DroidSansFallback-MemoSC.ttf": ("DroidSansFallback.ttf", HANZI_SC | CJK_COMMON, False),
    "DroidSansFallback-MemoTC.ttf": ("DroidSansFallback.ttf", HANZI_TC - HANZI_SC, False),
    "DroidSansFallback-MemoKO.ttf": ("DroidSansFallback.ttf", HANGUL | CJK_COMMON, False),
}


def derive(source: Path, unicodes: set[int], layout: bool, target: Path) -> None:
    options = subset.Options(
        hinting=False,               # WeasyPrint drops hinting when it embeds the font anyway
        notdef_outline=True,
        name_IDs=["*"],              # keep the copyright, licence and version strings
        name_languages=["*"],
        glyph_names=False,
    )
    if not layout:                   # CJK: no vertical forms or locale variants in a memo
        options.layout_features = []
        options.layout_closure = False
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    font = TTFont(source, recalcTimestamp=False)
    subsetter.subset(font)
    font.save(target, reorderTables=True)


def main() -> None:
    for name, (source, unicodes, layout) in DERIVED.items():
        derive(HERE / source, unicodes, layout, HERE / name)
        data = (HERE / name).read_bytes()
        glyphs = len(TTFont(HERE / name).getGlyphOrder())
        print(f"{name}: {glyphs} glyphs, {len(data)} bytes, "
              f"sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
