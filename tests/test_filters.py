"""The filter model's URL mapping: round-trips, hostile query strings, bad values."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlencode

from hypothesis import given, settings
from hypothesis import strategies as st

from dash import csvout
from dash.filters import MAX_VALUE_LENGTH, URL_KEYS, Filters

# Values a user can actually pick: non-blank, no surrounding spaces, not absurdly long.
word = st.text(min_size=1, max_size=40).map(str.strip).filter(bool)
values = st.lists(word, max_size=4, unique=True).map(tuple)
dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))

filters_strategy = st.builds(
    Filters,
    date_from=st.none() | dates,
    date_to=st.none() | dates,
    countries=values,
    provinces=values,
    districts=values,
    event_types=values,
    sub_event_types=values,
    actors=values,
    parties=values,
    min_fatalities=st.none() | st.integers(min_value=0, max_value=10**6),
    precisions=values,
    origins=values,
    cross_border_only=st.booleans(),
    text=st.text(max_size=MAX_VALUE_LENGTH).map(str.strip),
).map(
    # a valid filter never has its dates reversed
    lambda f: (
        f.replace(date_from=f.date_to, date_to=f.date_from)
        if f.date_from and f.date_to and f.date_from > f.date_to
        else f
    )
)


@settings(max_examples=300)
@given(filters_strategy)
def test_any_valid_filter_survives_encode_then_decode(filters):
    decoded, notes = Filters.from_query(filters.to_query())
    assert notes == []
    assert decoded == filters


@settings(max_examples=200)
@given(filters_strategy)
def test_round_trip_through_a_real_query_string(filters):
    query = urlencode(filters.to_query(), doseq=True)
    decoded, notes = Filters.from_query(parse_qs(query, keep_blank_values=True))
    assert notes == []
    assert decoded == filters


@settings(max_examples=500)
@given(st.dictionaries(st.sampled_from([*URL_KEYS.values(), "zzz"]) | st.text(max_size=8),
                       st.lists(st.text(max_size=300), max_size=5) | st.text(max_size=300)))  # fmt: skip
def test_any_query_decodes_without_an_exception(query):
    filters, notes = Filters.from_query(query)
    assert isinstance(filters, Filters)
    assert all(isinstance(n, str) for n in notes)
    filters.where()  # and it always gives valid SQL parameters


def test_every_field_has_a_short_stable_url_key():
    assert URL_KEYS == {
        "date_from": "from", "date_to": "to", "countries": "country", "provinces": "province",
        "districts": "district", "event_types": "type", "sub_event_types": "subtype",
        "actors": "actor", "parties": "party", "min_fatalities": "minkilled",
        "precisions": "precision", "origins": "origin", "cross_border_only": "xborder", "text": "q",
    }  # fmt: skip


def test_bad_values_are_dropped_with_a_note_naming_the_parameter():
    filters, notes = Filters.from_query(
        {
            "from": "2024-13-45",
            "minkilled": "many",
            "province": ["Paktika", "Narnia"],
            "q": "x" * 10_000,
            "xborder": "perhaps",
        },
        allowed={"provinces": ["Paktika", "Khost"]},
    )
    assert filters == Filters(provinces=("Paktika",))
    joined = "\n".join(notes)
    for key in ("'from'", "'minkilled'", "'province': unknown value 'Narnia'", "'q'", "'xborder'"):
        assert key in joined


def test_reversed_dates_are_dropped():
    filters, notes = Filters.from_query({"from": "2024-12-31", "to": "2024-01-01"})
    assert filters.date_from is None and filters.date_to is None
    assert notes


def test_a_long_value_the_data_holds_is_kept_and_an_unknown_one_dropped():
    # Curated actors carry their attribution and run past the 200-character cap on link values.
    long_actor = (
        "SYNTHETIC armed group (" + "attributed by one side, denied by the other; " * 6 + ")"
    )
    assert len(long_actor) > MAX_VALUE_LENGTH
    query = {"actor": [long_actor, "y" * 250]}
    filters, notes = Filters.from_query(query, allowed={"actors": {long_actor: 1}})
    assert filters.actors == (long_actor,)
    assert notes == ["'actor': a value of 250 characters is too long"]
    # Matched as any value is: another case and surrounding spaces name the same actor.
    filters, _ = Filters.from_query(
        {"actor": f" {long_actor.upper()} "}, allowed={"actors": {long_actor: 1}}
    )
    assert filters.actors == (long_actor,)
    # Without the data's values (nothing to recognise it by), the cap holds for both.
    filters, notes = Filters.from_query(query)
    assert filters.actors == () and len(notes) == 2


def test_a_minimum_of_zero_killed_is_in_force_and_said_so():
    # 0 leaves out the events whose toll is unknown: it restricts, so it is described and named.
    zero = Filters(min_fatalities=0, provinces=("Paktika",))
    assert list(zero.in_force()) == ["provinces", "min_fatalities"]
    assert zero.describe() == "Province: Paktika; Minimum killed (best estimate): 0"
    assert "_minkilled-0_" in csvout.filename_for("events", zero, 2)
    assert Filters().in_force() == {} and Filters().describe() == "all events"
    assert list(Filters(cross_border_only=False, text="").in_force()) == []
