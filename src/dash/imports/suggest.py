"""A mapping to start from: read a spreadsheet's header and a sample, draft its mapping file.

``conflict-events import csv FILE --suggest`` prints the draft: every column placed on an event
field or listed as unplaced (unplaced columns are kept verbatim in each event's extra fields),
the guessed encoding, delimiter and date order, a value map for the type column with guesses,
and the rows the import would skip. The user edits the draft rather than writing one from
nothing.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from pathlib import Path

from .parsing import AmbiguousDates, ReadOptions, RowError, parse_date
from .source import CsvSource

SAMPLE_ROWS = 500

# Field -> header patterns (matched case-insensitively against the whole column name), in the
# order fields are tried: the first field whose pattern a column matches takes it.
PATTERNS: tuple[tuple[str, str], ...] = (
    ("id", r"(event[ _]?)?id|s\.? ?(no\.?|#)|sr\.? ?(no\.?|#)?|serial( no)?|no\.?|#|ref(erence)?"),
    ("date_end", r"(end|to|until)[ _]?date|date[ _]?(end|to)"),
    ("date", r"(event[ _]?)?date|day|date[ _]?(start|from)|(start|from)[ _]?date"),
    (
        "killed_low",
        r"(min(imum)?|low(er)?)[ _]?(killed|deaths?|fatalities|dead)|(killed|deaths?|fatalities)[ _]?(min(imum)?|low)",
    ),
    (
        "killed_high",
        r"(max(imum)?|high(er)?|upper)[ _]?(killed|deaths?|fatalities|dead)|(killed|deaths?|fatalities)[ _]?(max(imum)?|high)",
    ),
    ("civilians", r"civilians?([ _](killed|deaths?|dead))?|(killed|deaths)[ _]civilians?"),
    ("militants", r"(militants?|terrorists?|insurgents?|attackers?)([ _](killed|deaths?|dead))?"),
    (
        "security_forces",
        r"(security[ _]?forces?|soldiers?|police(men)?|troops|sf|le[a]?s?)([ _](killed|deaths?|dead))?",
    ),
    ("killed", r"(total[ _]?)?(killed|deaths?|fatalities|dead|casualties[ _]?killed)"),
    ("injured", r"(total[ _]?)?(injured|wounded|injuries)"),
    ("country", r"country"),
    ("admin1", r"province|admin ?1|state|region"),
    ("admin2", r"district|admin ?2|agency|tehsil"),
    ("location", r"location|place|city|town|village|area|locality"),
    ("latitude", r"lat(itude)?"),
    ("longitude", r"lon(g(itude)?)?|lng"),
    ("actor1", r"(perpetrator|attacker|actor ?1|claimed[ _]?by|group|organi[sz]ation)s?"),
    ("actor2", r"(target|victim|actor ?2)s?"),
    ("type", r"(attack|event|incident)?[ _]?(type|category|kind|nature)|attack"),
    ("summary", r"description|details?|summary|notes?|narrative|remarks"),
    ("source_url", r"(source[ _]?)?(url|link)"),
    ("source_publisher", r"source|publisher|newspaper|outlet"),
    ("source_date", r"(source|report(ed)?|publication)[ _]?date"),
)

# Type-column values to ACLED pairs, by keyword (a guess the user checks).
TYPE_GUESSES: tuple[tuple[str, tuple[str, str]], ...] = (
    ("drone", ("Explosions/Remote violence", "Air/drone strike")),
    (
        "air ?strike|airstrike|bomb(ing|ed)? from the air|jet",
        ("Explosions/Remote violence", "Air/drone strike"),
    ),
    ("suicide", ("Explosions/Remote violence", "Suicide bomb")),
    (
        "ied|bomb|blast|explosi|landmine|mine",
        ("Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ),
    ("grenade", ("Explosions/Remote violence", "Grenade")),
    (
        "shell|mortar|artillery|rocket|missile",
        ("Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ),
    ("kidnap|abduct", ("Violence against civilians", "Abduction/forced disappearance")),
    ("target(ed)? killing|assassinat|shoot|gun|firing", ("Violence against civilians", "Attack")),
    ("clash|battle|ambush|raid|encounter|operation|fight", ("Battles", "Armed clash")),
    ("protest|demonstrat", ("Protests", "Peaceful protest")),
    ("riot", ("Riots", "Violent demonstration")),
    ("arrest", ("Strategic developments", "Arrests")),
)


def guess_encoding(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            data.decode(encoding)
            return "utf-8" if encoding == "utf-8-sig" else encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def place_columns(header: list[str]) -> dict[str, str]:
    """Event field -> column, by the columns' names."""
    placed: dict[str, str] = {}
    for field, pattern in PATTERNS:
        for column in header:
            if column in placed.values() or field in placed:
                continue
            name = re.sub(r"\s+", " ", column.strip().lower())
            if re.fullmatch(pattern, name):
                placed[field] = column
    return placed


def guess_date_order(values: list[str]) -> tuple[str | None, str]:
    """The date order a column's values need, and a note on how it was told."""
    orders = []
    for value in values:
        try:
            parse_date(value, "date", ReadOptions())
        except AmbiguousDates:
            first, second = (int(x) for x in re.split(r"[/.\-]", value)[:2])
            if first > 12:
                orders.append("dmy")
            elif second > 12:
                orders.append("mdy")
            else:
                orders.append("either")
        except RowError:
            orders.append("unreadable")
    told = {o for o in orders if o in ("dmy", "mdy")}
    if len(told) == 1:
        order = told.pop()
        return (
            order,
            f"numeric dates; some have a {'day' if order == 'dmy' else 'month'} above 12 first",
        )
    if "either" in orders:
        return None, "numeric dates that read either way (05/09/2020): set dmy or mdy"
    if "unreadable" in orders:
        bad = [v for v, o in zip(values, orders, strict=True) if o == "unreadable"][:3]
        return None, f"some dates are in no known form, e.g. {', '.join(map(repr, bad))}"
    return None, "dates in an unambiguous form"


def guess_type(value: str) -> tuple[str, str] | None:
    low = value.casefold()
    for pattern, pair in TYPE_GUESSES:
        if re.search(pattern, low):
            return pair
    return None


def _toml(value: str) -> str:
    # JSON's string escapes are all TOML's too: a header cell with a line break (Alt+Enter in
    # Excel) or a tab stays one valid string.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # DEL: JSON allows it


def suggest(path: str | Path, encoding: str | None = None, sheet: str | None = None) -> str:
    """A draft mapping file (TOML, with comments) for the spreadsheet at ``path`` (CSV, or a
    sheet of an Excel workbook)."""
    source_path = Path(path)
    read = CsvSource(source_path, encoding, sheet=sheet)  # a workbook's sheet, or the file
    chosen = encoding or read.encoding  # given, or a byte-order mark's
    if read.sheet is None and chosen is None:  # no mark: guessed from the bytes
        chosen = guess_encoding(source_path)
        read = CsvSource(source_path, chosen)
    header_probe = CsvSource(source_path, read.encoding, sheet=sheet)
    first = next(iter(header_probe.rows_raw()), [])
    # Named as the import will name them ("Details (2)", "(column 1)" for pandas' index).
    header = header_probe.column_names([h.strip().lstrip("\ufeff") for h in first])
    placed = place_columns(header)
    key = placed.get("id") or placed.get("date") or (header[0] if header else "")
    sample = list(itertools.islice(read.rows(key), SAMPLE_ROWS))
    rows = [row for _, row in sample]
    delimiter = read.delimiter_used
    lines = [
        f"# Draft mapping for {source_path.name}, made by `conflict-events import csv --suggest`.",
        "# Check every line, fill in [origin], then: conflict-events import csv FILE --mapping THIS",
        '# A field takes a column\'s name, { value = "fixed text" }, or { join = ["A", "B"] }.',
        "",
        "[origin]",
        'id = "my-dataset"            # lowercase letters, digits, - and _: the events get ids my-dataset:<id>',
        'name = "Name of the compilation"',
        'licence = "Its licence or terms, as the publisher states them"',
        'terms = ""                   # what sharing it allows, in words',
        '# url = "https://…"',
        "",
        "[file]",
        *(
            [f"sheet = {_toml(read.sheet)}        # the workbook's sheet read"]
            if read.sheet is not None
            else [
                f"encoding = {_toml(chosen)}       # guessed: the file decodes as {chosen}",
                f"delimiter = {_toml(delimiter)}",
            ]
        ),
    ]
    date_column = placed.get("date")
    if date_column:
        order, why = guess_date_order(
            [r[date_column] for r in rows if r.get(date_column, "").strip()][:200]
        )
        lines.append(f"# dates: {why}")
        lines.append(
            f"date_order = {_toml(order)}" if order else '# date_order = "dmy"   # or "mdy"'
        )
    lines += ["", "[fields]"]
    if "id" in placed:
        lines.append(f"id = {_toml(placed['id'])}")
    else:
        hashed = [c for c in (placed.get("date"), placed.get("location"), placed.get("admin2"),
                              placed.get("admin1")) if c]  # fmt: skip
        lines.append("# no id column: a stable hash of these columns identifies each row (a date")
        lines.append("# by the day it holds, so a workbook and the CSV saved from it give one id)")
        named = ", ".join(_toml(c) for c in hashed or header[:3])
        lines.append(f'id = {{ hash = [{named}], dates = "read" }}')
    for field in ("date", "date_end", "country", "admin1", "admin2", "location", "latitude",
                  "longitude", "actor1", "actor2", "killed", "killed_low", "killed_high",
                  "injured", "civilians", "security_forces", "militants", "summary",
                  "source_publisher", "source_url", "source_date"):  # fmt: skip
        if field in placed:
            lines.append(f"{field} = {_toml(placed[field])}")
    if "killed" in placed and ("killed_low" in placed or "killed_high" in placed):
        lines.append("# both a total and min/max columns were found: keep one of the two ways")
    if "country" not in placed:
        lines.append('country = { value = "Pakistan" }   # no country column: a fixed value?')
    if "latitude" in placed:
        lines.append('geo_precision = { value = "exact" }   # or near, district, province, country')
    lines += ["", "[event_type]"]
    type_column = placed.get("type")
    if type_column:
        lines.append(f"column = {_toml(type_column)}")
        values = Counter(r[type_column].strip() for r in rows if r.get(type_column, "").strip())
        lines.append(
            'default = ["Explosions/Remote violence", "Remote explosive/landmine/IED"]   # for values not listed'
        )
        lines.append("[event_type.values]")
        for value, n in values.most_common(40):
            pair = guess_type(value)
            shown = (
                f"[{_toml(pair[0])}, {_toml(pair[1])}]"
                if pair
                else '["Strategic developments", "Other"]'
            )
            lines.append(
                f"{_toml(value)} = {shown}   # {n} row(s){'' if pair else '; no guess: check'}"
            )
    else:
        lines.append(
            'default = ["Explosions/Remote violence", "Remote explosive/landmine/IED"]   # no type column: every row gets this'
        )
    unplaced = [c for c in header if c not in placed.values()]
    # Names as TOML strings: a name holding a line break must not end the comment.
    lines += ["", "# Placed columns: " + ", ".join(f"{_toml(c)} → {f}" for f, c in placed.items())]
    lines.append(
        "# Unplaced (kept verbatim in each event's extra fields): "
        + (", ".join(map(_toml, unplaced)) or "none")
    )
    skipped = read.stats
    skips = []
    if skipped.blank_rows:
        skips.append(f"{skipped.blank_rows} blank")
    for what, found in (("totals", skipped.totals_rows), ("repeated header", skipped.header_rows),
                        ("footer or note", skipped.footer_rows)):  # fmt: skip
        if found:
            skips.append(f"{what} at line {', '.join(map(str, found[:5]))}")
    lines.append(f"# In the first {len(rows)} data rows, rows the import would skip: "
                 + ("; ".join(skips) or "none"))  # fmt: skip
    return "\n".join(lines) + "\n"
