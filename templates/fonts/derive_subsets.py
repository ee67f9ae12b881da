"""Derive the memo's fast-path fonts from the shipped originals (run by hand, output committed).

WeasyPrint subsets every font it embeds with fontTools, whose cost grows with the number of
glyphs in the *source* font and with its GSUB/GPOS tables: about 0.1-0.3 s for DejaVu Sans
(6,253 glyphs) and 1.3 s for Droid Sans Fallback (49,775 glyphs) per face, per memo. The memo
therefore asks first for small fonts that hold the characters memos are made of, and falls back
to the full originals only for a character none of the small fonts has (see ``font-family`` in
``../memo.css``).

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


# English and western European text with its punctuation and the symbols a memo prints; other
# scripts (Greek, Cyrillic, Vietnamese ...) come from the full DejaVu files.
LATIN = _ranges(
    (0x0020, 0x007E), (0x00A0, 0x017F),            # ASCII, Latin-1, Latin Extended-A
    (0x2000, 0x206F), (0x20A0, 0x20BF),            # general punctuation, currency
    (0x2116, 0x2116), (0x2122, 0x2122),            # numero, trade mark
    (0x2190, 0x2195), (0x2212, 0x2212),            # arrows, minus
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

# name: (source, characters)
DERIVED = {
    "DejaVuSans-MemoLatin.ttf": ("DejaVuSans.ttf", LATIN),
    "DejaVuSans-Bold-MemoLatin.ttf": ("DejaVuSans-Bold.ttf", LATIN),
    "DejaVuSansMono-MemoLatin.ttf": ("DejaVuSansMono.ttf", LATIN),
    "DroidSansFallback-MemoSC.ttf": ("DroidSansFallback.ttf", HANZI_SC | CJK_COMMON),
    "DroidSansFallback-MemoTC.ttf": ("DroidSansFallback.ttf", (HANZI_TC - HANZI_SC) | CJK_COMMON),
    "DroidSansFallback-MemoKO.ttf": ("DroidSansFallback.ttf", HANGUL | CJK_COMMON),
}


def derive(source: Path, unicodes: set[int], target: Path) -> None:
    options = subset.Options(
        hinting=False,               # WeasyPrint drops hinting when it embeds the font anyway
        notdef_outline=True,
        name_IDs=["*"],              # keep the copyright, licence and version strings
        name_languages=["*"],
        glyph_names=False,
    )
    # No OpenType layout or vertical metrics: the memo sets text horizontally without kerning,
    # ligatures or locale variants, and fontTools re-reads these tables on every embed.
    options.layout_features = []
    options.layout_closure = False
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "vhea", "vmtx"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(unicodes))
    font = TTFont(source, recalcTimestamp=False)
    subsetter.subset(font)
    font.save(target, reorderTables=True)


def main() -> None:
    for name, (source, unicodes) in DERIVED.items():
        derive(HERE / source, unicodes, HERE / name)
        data = (HERE / name).read_bytes()
        glyphs = len(TTFont(HERE / name).getGlyphOrder())
        print(f"{name}: {glyphs} glyphs, {len(data)} bytes, "
              f"sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
