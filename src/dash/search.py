"""Free text as people type it, turned into a safe FTS5 query that finds what they mean.

- Every word is quoted, so FTS5 operators typed by a user (``NEAR(``, ``*``, ``OR``, a lone
  ``"``) are searched for as words instead of raising a syntax error.
- Every word of three letters or more is a prefix, after a plain English plural is taken off:
  "drone" finds "drones", "strikes" finds "strike", "casualties" finds "casualty".
- A word in the spelling table (``data/spellings.yaml``: transliterations and compounds) also
  finds the other spellings of its group: "madrassa" finds "madrasa", "strike" "airstrikes".
- A province or district name in any spelling the gazetteer knows finds all of them: "Bajour"
  finds "Bajaur", "FATA" finds "Federally Administered Tribal Areas", "کابل" finds "Kabul".
  Spellings in the Arabic script (Urdu, Pashto, Dari) that the typed word brings in are whole
  words, not prefixes: their prefixes are often common words.

All words are required; the spellings of one word are alternatives. The index covers titles,
summaries, places, actors and the event type and sub-type (``migrations``), and the claims'
accounts, quotes, claimants and figures.
"""

from __future__ import annotations

import functools
import unicodedata
from importlib import resources

import yaml

from .gazetteer import ARABIC_SCRIPT, gazetteer, key

MAX_WORDS = 20


@functools.cache
def spelling_groups() -> dict[str, tuple[str, ...]]:
    """Each spelling's key -> every spelling of its group (the table, then the gazetteer)."""
    text = resources.files("dash").joinpath("data", "spellings.yaml").read_text(encoding="utf-8")
    groups: dict[str, set[str]] = {}

    def add(group: list[str]) -> None:
        merged = set(map(str, group))
        for spelling in group:
            merged |= groups.get(key(str(spelling)), set())
        for spelling in merged:
            groups[key(spelling)] = merged

    for group in yaml.safe_load(text):
        add(group)
    # A former name (FATA, NWFP) stands for itself: it was not the whole of today's province.
    former = {key(f) for p in gazetteer().provinces.values() for f in p.former_spellings}
    places: dict[tuple[str, str], list[str]] = {}
    for level, spelling, canonical in gazetteer().aliases:
        if level in ("province", "district") and key(spelling) not in former:
            places.setdefault((level, canonical), [canonical]).append(spelling)
    for spellings in places.values():
        add(spellings)
    return {k: tuple(sorted(v, key=str.casefold)) for k, v in groups.items()}


def _stem(word: str) -> str:
    """A plain English plural taken off: casualties -> casualt(y), crashes -> crash,
    strikes -> strike (never below three letters; "ss" is no plural)."""
    lower = word.casefold()
    if lower.endswith("ies") and len(lower) >= 5:
        return word[:-3]
    if lower.endswith(("ses", "xes", "zes", "ches", "shes")) and len(lower) >= 5:
        return word[:-2]
    if lower.endswith("s") and not lower.endswith("ss") and len(lower) >= 4:
        return word[:-1]
    return word


def _term(spelling: str, prefix: bool = True) -> str:
    """One spelling as an FTS5 phrase, a prefix when it is long enough to narrow anything."""
    quoted = '"' + spelling.replace('"', '""') + '"'
    return quoted + "*" if prefix and len(spelling) >= 3 else quoted


def _alternatives(word: str) -> str:
    stem = _stem(word)
    groups = spelling_groups()
    spellings = {word, stem, *groups.get(key(word), ()), *groups.get(key(stem), ())}
    # Another spelling in the Arabic script is a whole word: its prefixes are often common words
    # of their own ("Farah" is فراه, and فراهم is "provide").
    terms = sorted(
        {
            _term(s, prefix=s in (word, stem) or not ARABIC_SCRIPT.search(s))
            for s in spellings
            if any(ch.isalnum() for ch in s)
        }
    )
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def fts_query(text: str) -> str:
    """The FTS5 query for ``text`` (empty when it holds no letter or digit)."""
    # FTS5 reads its query as a C string: a NUL inside a quoted token ends it early ("unterminated
    # string"). Control characters are never part of a word, so they separate words instead.
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    # A place or table entry of several words typed whole ("North Waziristan") is one unit.
    units: list[str] = []
    i = 0
    while i < len(words) and len(units) < MAX_WORDS:
        for n in (3, 2):
            phrase = " ".join(words[i : i + n])
            if i + n <= len(words) and key(phrase) in spelling_groups():
                units.append(phrase)
                i += n
                break
        else:
            units.append(words[i])
            i += 1
    return " AND ".join(_alternatives(u) for u in units)
