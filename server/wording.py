"""The words people read, per language, kept in data files: one TOML file per language in a folder.

Each file has a `[language]` table (its name in its own script, `dir`, the Babel `locale`, and
`review`, who has checked the translation) and a `[text]` table of strings by key, with `{name}`
placeholders. A string missing from a language falls back to English for that string only, so a
reader never sees an empty box or a key.
"""

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ENGLISH = "en"


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in its own script: what a reader of it looks for
    dir: str  # ltr or rtl
    locale: str  # for Babel's dates
    review: str
    text: dict[str, str] = field(repr=False)


@dataclass(frozen=True)
class Wording:
    languages: dict[str, Language]

    def text(self, lang: str, key: str, /, **values) -> str:
        language = self.languages.get(lang, self.languages[ENGLISH])
        template = language.text.get(key) or self.languages[ENGLISH].text[key]
        return template.format(**values)

    def choose(self, asked: str | None, accept_languages) -> str:
        """The language asked for by code if we have it, else the browser's first we have, else English.

        The browser's languages match on their first part, in its order of preference: cy-GB finds
        cy ahead of a lesser en, and zh-TW or zh-HK finds zh-Hant.
        """
        if asked in self.languages:
            return asked
        by_primary = {code.split("-")[0].lower(): code for code in self.languages}
        for tag, _quality in accept_languages:  # best first
            code = by_primary.get(tag.split("-")[0].lower())
            if code is not None:
                return code
        return ENGLISH


@cache
def load(folder: Path) -> Wording:
    languages = {}
    for path in sorted(folder.glob("*.toml"), key=lambda p: (p.stem != ENGLISH, p.stem)):  # English first
        with path.open("rb") as f:
            data = tomllib.load(f)
        meta = data["language"]
        languages[path.stem] = Language(
            path.stem, meta["name"], meta["dir"], meta["locale"], meta["review"], data["text"]
        )
    missing = [key for key in languages[ENGLISH].text if not languages[ENGLISH].text[key]]
    assert not missing, f"English is the fallback and must have every string: {missing}"
    return Wording(languages)
