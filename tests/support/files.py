"""Small SYNTHETIC export files in ACLED's and UCDP's real layouts, written by the tests."""

from __future__ import annotations

import csv
import io

from dash.imports.acled import COLUMNS as ACLED_COLUMNS

ACLED_HEADER = list(ACLED_COLUMNS)

UCDP_HEADER = [
    "id",
    "relid",
    "year",
    "active_year",
    "code_status",
    "type_of_violence",
    "conflict_new_id",
    "conflict_name",
    "dyad_new_id",
    "dyad_name",
    "side_a_new_id",
    "gwnoa",
    "side_a",
    "side_b_new_id",
    "gwnob",
    "side_b",
    "number_of_sources",
    "source_article",
    "source_office",
    "source_date",
    "source_headline",
    "source_original",
    "where_prec",
    "where_coordinates",
    "where_description",
    "adm_1",
    "adm_2",
    "latitude",
    "longitude",
    "geom_wkt",
    "priogrid_gid",
    "country",
    "iso3",
    "country_id",
    "region",
    "event_clarity",
    "date_prec",
    "date_start",
    "date_end",
    "deaths_a",
    "deaths_b",
    "deaths_civilians",
    "deaths_unknown",
    "best",
    "high",
    "low",
]


def acled_row(n: int, **kw) -> dict[str, str]:
    row = dict.fromkeys(ACLED_HEADER, "")
    row.update(
        event_id_cnty=f"SYN{n}", event_date="2024-12-24", year="2024", time_precision="1",
        disorder_type="Political violence", event_type="Explosions/Remote violence",
        sub_event_type="Air/drone strike", actor1="SYNTHETIC air force", inter1="1",
        actor2="SYNTHETIC civilians", inter2="7", interaction="17", civilian_targeting="Civilian targeting",
        iso="4", region="Caucasus and Central Asia", country="Afghanistan", admin1="Paktika",
        admin2="Barmal", location=f"SYNTHETIC village {n}", latitude="32.80", longitude="69.30",
        geo_precision="1", source="SYNTHETIC Gazette; SYNTHETIC Wire", source_scale="National",
        notes=f"SYNTHETIC: strike number {n}.", fatalities=str(10 + n), tags="", timestamp="1735000000",
    )  # fmt: skip
    row.update(kw)
    return row


def ucdp_row(n: int, **kw) -> dict[str, str]:
    row = dict.fromkeys(UCDP_HEADER, "")
    row.update(
        id=str(500 + n), relid=f"PAK-2024-1-{n}", year="2024", type_of_violence="1",
        conflict_name="Pakistan: Government", dyad_name="Government of Pakistan - TTP",
        side_a="Government of Pakistan", side_b="TTP", number_of_sources="2",
        source_article='"SYNTHETIC Wire,2024-12-21,SYNTHETIC raid"\nsecond line of the article list',
        source_office="SYNTHETIC Wire", source_date="2024-12-21", source_headline="SYNTHETIC raid",
        where_prec="3", where_coordinates="SYNTHETIC district", where_description="SYNTHETIC hills",
        adm_1="Khyber Pakhtunkhwa province", adm_2="South Waziristan district", latitude="32.3",
        longitude="69.6", country="Pakistan", iso3="PAK", event_clarity="1", date_prec="4",
        date_start="2024-12-01 00:00:00.000", date_end="2024-12-31 00:00:00.000", deaths_a="16",
        deaths_b="8", deaths_civilians="0", deaths_unknown="0", best="24", high="35", low="16",
    )  # fmt: skip
    row.update(kw)
    return row


def write(
    path,
    header,
    rows,
    *,
    crlf=True,
    bom=False,
    hxl=None,
    encoding="utf-8",
    trailing="",
    totals=None,
):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n" if crlf else "\n")
    writer.writerow(header)
    if hxl:
        writer.writerow(hxl)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    if totals:
        writer.writerow(totals)
    data = ("\ufeff" if bom else "") + buffer.getvalue() + trailing
    path.write_bytes(data.encode(encoding))
    return path


def events(db):
    cursor = db.execute("SELECT * FROM events ORDER BY id")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
