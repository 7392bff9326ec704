"""The words people read, per language, kept in data files: one TOML file per language in a folder.

Each file has a `[language]` table (its name in its own script, `dir`, the Babel `locale`, and
`review`, who has checked the translation) and a `[text]` table of strings by key, with `{name}`
placeholders. A string missing from a language falls back to English for that string only, so a
reader never sees an empty box or a key. An organisation may override any string in any language
(`overrides`: {language: {key: text}}), checked by `override_problems` before it is kept.
"""

import string
import tomllib
from collections.abc import Mapping
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

    def text(self, lang: str, key: str, /, overrides: Mapping | None = None, **values) -> str:
        language = self.languages.get(lang, self.languages[ENGLISH])
        own = (overrides or {}).get(language.code, {}).get(key)
        template = own or language.text.get(key) or self.languages[ENGLISH].text[key]
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

    def override_problems(self, overrides: Mapping) -> list[str]:
        """What is wrong with an organisation's overrides, as sentences (none: they can be kept)."""
        english = self.languages[ENGLISH].text
        problems = []
        for lang, strings in overrides.items():
            if lang not in self.languages:
                problems.append(f"{lang!r} is not a language we have: {', '.join(self.languages)}.")
                continue
            for key, template in strings.items():
                if key not in english:
                    problems.append(f"{lang}.{key}: there is no such string.")
                    continue
                allowed = _placeholders(english[key])
                used = _placeholders(template)
                if used is None:
                    problems.append(f"{lang}.{key}: unbalanced braces; write {{{{ and }}}} for a brace itself.")
                elif not used <= allowed:
                    unknown = ", ".join(f"{{{name}}}" for name in sorted(used - allowed))
                    known = ", ".join(f"{{{name}}}" for name in sorted(allowed)) or "none"
                    problems.append(f"{lang}.{key}: {unknown} cannot be filled in here (this string has {known}).")
        return problems


def _placeholders(template: str) -> set[str] | None:
    """The {names} a template fills in, or None if it cannot be read as one."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError:
        return None


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
