"""One name per place: every spelling of a province or district resolves to one canonical name.

The names live in ``data/gazetteer.yaml`` (Pakistan and Afghanistan: current names, former ones
with the date they changed, and the spellings exports and news use). Matching ignores case,
accents, punctuation and administrative words ("province", "agency", …), so "Khyber Pakhtunkwa
province", "KPK" and "N.W.F.P." all resolve to Khyber Pakhtunkhwa. A place named as a pair
("Paktika and Khost") resolves to both provinces when each part is known; the first is the
event's province, the others are kept as further places of the same event.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import yaml

# Words that say what kind of unit a name is, not which one.
_UNIT_WORDS = frozenset(
    [
        "province",
        "provinces",
        "district",
        "districts",
        "agency",
        "tehsil",
        "division",
        "region",
        "wilayat",
        "woleswali",
        "wolaswali",
        "state",
        # the same in Dari and Pashto (wilayat, woleswali) and Urdu (suba, zila, agency, tehsil),
        # letters folded
        "ولایت",
        "ولسوالی",
        "صوبه",
        "ضلع",
        "ایجنسی",
        "تحصیل",
    ]
)
_PAIR = re.compile(r"\s*(?:\band\b|&|/|;|,)\s*", re.IGNORECASE)


# Letters of the Arabic script (Urdu, Pashto, Dari, Arabic).
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")

# Urdu, Pashto and Dari write some letters of the Arabic script with code points of their own
# (and Arabic with others): one letter each, so "کابل" typed on an Arabic keyboard finds it too.
_ARABIC_SCRIPT_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC YEH -> FARSI YEH
        "\u0649": "\u06cc",  # ALEF MAKSURA
        "\u06d2": "\u06cc",  # YEH BARREE (Urdu, at a word's end)
        "\u06cd": "\u06cc",  # YEH WITH TAIL (Pashto)
        "\u06d0": "\u06cc",  # E (Pashto)
        "\u0643": "\u06a9",  # ARABIC KAF -> KEHEH
        "\u06ab": "\u06af",  # KAF WITH RING (Pashto) -> GAF
        "\u06c1": "\u0647",  # HEH GOAL (Urdu) -> HEH
        "\u06be": "\u0647",  # HEH DOACHASHMEE (Urdu aspirates)
        "\u0629": "\u0647",  # TEH MARBUTA
        "\u06d5": "\u0647",  # AE
        # Pashto's retroflex letters and Urdu's: one sound, two code points each
        "\u0689": "\u0688",  # DAL WITH RING -> DDAL
        "\u067c": "\u0679",  # TEH WITH RING -> TTEH
        "\u0693": "\u0691",  # REH WITH RING -> RREH
    }
)


def key(name: str) -> str:
    """The form names are compared in: 'Khyber Pakhtunkwa Province' → 'khyber pakhtunkwa'.

    Letters of every script count (names in Urdu, Pashto and Dari are aliases too); accents,
    hamzas and maddas are dropped like Latin accents, and the Arabic script's variant letters
    are folded into one."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"['’`ʼ]", "", text).translate(_ARABIC_SCRIPT_LETTERS)
    words = re.sub(r"[\W_]+", " ", text).split()
    return " ".join(w for w in words if w not in _UNIT_WORDS)


@dataclass(frozen=True)
class FormerName:
    name: str
    until: dt.date
    note: str


@dataclass(eq=False)
class Province:
    country: str
    name: str
    former: list[FormerName] = field(default_factory=list)
    districts: dict[str, str] = field(default_factory=dict)  # key -> canonical district
    has_districts: bool = False
    former_spellings: list[str] = field(default_factory=list)  # former names and their aliases


@dataclass(frozen=True)
class Resolved:
    """A place as the store keeps it: canonical names, further places, what was not known."""

    country: str | None
    admin1: str | None
    admin2: str | None
    also: tuple[tuple[str | None, str, str | None], ...] = ()
    unknown: tuple[tuple[str, str], ...] = ()  # (level, spelling) not in the gazetteer


class Gazetteer:
    def __init__(self, data: dict[str, Any]) -> None:
        self.countries: dict[str, str] = {}  # key -> canonical country
        self.provinces: dict[tuple[str, str], Province] = {}  # (country, key) -> province
        self.aliases: list[tuple[str, str, str]] = []  # (level, spelling, canonical), for tests
        for country, body in data.items():
            for spelling in [country, *(body.get("aliases") or [])]:
                self._add(self.countries, key(str(spelling)), country, "country", str(spelling))
            for name, spec in (body.get("provinces") or {}).items():
                spec = spec or {}
                province = Province(country, name)
                spellings = [name, *(spec.get("aliases") or [])]
                for former in spec.get("former") or []:
                    province.former.append(
                        FormerName(former["name"], former["until"], former.get("note", ""))
                    )
                    earlier = [former["name"], *(former.get("aliases") or [])]
                    province.former_spellings += map(str, earlier)
                    spellings += earlier
                for spelling in spellings:
                    self._add(self.provinces, (country, key(str(spelling))), province,
                              "province", str(spelling))  # fmt: skip
                districts = spec.get("districts")
                province.has_districts = districts is not None
                for district, aliases in (districts or {}).items():
                    for spelling in [district, *(aliases or [])]:
                        self._add(province.districts, key(str(spelling)), district,
                                  "district", str(spelling))  # fmt: skip

    def _add(self, table: dict[Any, Any], k: Any, value: Any, level: str, spelling: str) -> None:
        canonical = value.name if isinstance(value, Province) else value
        existing = table.get(k)
        if (
            existing is not None
            and existing is not value
            and (isinstance(value, Province) or existing != value)
        ):
            other = existing.name if isinstance(existing, Province) else existing
            raise ValueError(f"gazetteer: {spelling!r} names both {other!r} and {canonical!r}")
        table[k] = value
        self.aliases.append((level, spelling, canonical))

    # --- lookups ------------------------------------------------------------------------------

    def country(self, spelling: str | None) -> str | None:
        return self.countries.get(key(spelling)) if spelling else None

    def province(self, country: str | None, spelling: str) -> Province | None:
        k = key(spelling)
        if country:
            return self.provinces.get((country, k))
        found = {p.name: p for (_, pk), p in self.provinces.items() if pk == k}
        return next(iter(found.values())) if len(found) == 1 else None

    def covers(self, country: str | None) -> bool:
        return country in {p.country for p in self.provinces.values()}

    def resolve(
        self, country: str | None, admin1: str | None, admin2: str | None = None
    ) -> Resolved:
        """Canonical names for a published place; unknown spellings are kept and listed.

        Remembered per spelling: a million-row export names a few thousand distinct places.
        """
        return self._resolved(country, admin1, admin2)

    @functools.lru_cache(maxsize=65_536)  # noqa: B019 - one gazetteer per process, never freed
    def _resolved(self, country: str | None, admin1: str | None, admin2: str | None) -> Resolved:
        unknown: list[tuple[str, str]] = []
        canonical_country = self.country(country) or country
        if country and canonical_country == country and not self.country(country):
            unknown.append(("country", country))
        if not admin1:
            district = self._district(canonical_country, None, admin2, unknown)
            return Resolved(canonical_country, None, district, (), tuple(unknown))
        provinces = self._provinces(canonical_country, admin1)
        if not provinces:
            if self.covers(canonical_country):
                unknown.append(("province", admin1))
            return Resolved(canonical_country, admin1, admin2, (), tuple(unknown))
        first = provinces[0]
        district = self._district(first.country, first, admin2, unknown)
        also = tuple((p.country, p.name, None) for p in provinces[1:] if p is not first)
        return Resolved(first.country, first.name, district, also, tuple(unknown))

    def _provinces(self, country: str | None, spelling: str) -> list[Province]:
        whole = self.province(country, spelling)
        if whole is not None:
            return [whole]
        parts = [p for p in _PAIR.split(spelling) if p.strip()]
        if len(parts) < 2:
            return []
        found = [self.province(country, part) for part in parts]
        if any(p is None for p in found):
            return []
        return list(dict.fromkeys(found))  # type: ignore[arg-type]

    def _district(
        self,
        country: str | None,
        province: Province | None,
        spelling: str | None,
        unknown: list[tuple[str, str]],
    ) -> str | None:
        if not spelling:
            return None
        k = key(spelling)
        if province is not None:
            if k in province.districts:
                return province.districts[k]
            if province.has_districts:
                unknown.append(("district", spelling))
            return spelling
        matches = {
            p.districts[k] for p in self.provinces.values()
            if p.country == country and k in p.districts
        }  # fmt: skip
        return matches.pop() if len(matches) == 1 else spelling


@functools.cache
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (read once per process)."""
    text = resources.files("dash").joinpath("data", "gazetteer.yaml").read_text(encoding="utf-8")
    return Gazetteer(yaml.safe_load(text))
