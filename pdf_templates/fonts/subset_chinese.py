"""Make DoorstepKaiTC-{Regular,Bold}.ttf: LXGW WenKai cut down to Traditional Chinese, and renamed.

The full font is 15 MB a weight. Kept here: ASCII and Latin-1, Big5's symbols and its 5,401
frequent hanzi (level 1), and every character of the wording files, so each weight is a few MB.
"LXGW" is a Reserved Font Name under the OFL, so the cut-down font carries another name.

Run (needs fonttools, from requirements-dev.txt, and Debian's fonts-lxgw-wenkai):
    .venv/bin/python pdf_templates/fonts/subset_chinese.py
"""

import contextlib
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/truetype/lxgw-wenkai")
HERE = Path(__file__).parent
ROOT = HERE.parent.parent
FAMILY = "Doorstep Kai TC"


def _big5(first: int, last: int) -> set[str]:
    chars = set()
    for lead in range(first >> 8, (last >> 8) + 1):
        for trail in [*range(0x40, 0x7F), *range(0xA1, 0xFF)]:
            if first <= (lead << 8 | trail) <= last:
                with contextlib.suppress(UnicodeDecodeError):  # a gap in the code table
                    chars.add(bytes([lead, trail]).decode("big5"))
    return chars


def _characters() -> str:
    kept = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    kept |= _big5(0xA140, 0xA3BF) | _big5(0xA440, 0xC67E)
    for wording in ROOT.glob("**/wording/*.toml"):
        kept |= set(wording.read_text(encoding="utf-8"))
    return "".join(sorted(c for c in kept if c.isprintable()))


def _rename(font: TTFont, style: str) -> None:
    names = {1: FAMILY, 2: style, 3: f"{FAMILY.replace(' ', '')}-{style}", 4: f"{FAMILY} {style}"}
    names |= {6: names[3], 16: FAMILY, 17: style}
    font["name"].names = [r for r in font["name"].names if r.nameID not in names]
    for name_id, value in names.items():
        font["name"].setName(value, name_id, 3, 1, 0x409)


def main() -> None:
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    text = _characters()
    for style in ("Regular", "Bold"):
        font = TTFont(SOURCE / f"LXGWWenKai-{style}.ttf")
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        _rename(font, style)
        font.save(HERE / f"DoorstepKaiTC-{style}.ttf")


if __name__ == "__main__":
    main()
