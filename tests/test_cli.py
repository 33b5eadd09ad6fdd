"""The conflict-events command: build, check, export, migrate."""

from __future__ import annotations

import csv
import io
import textwrap

import pytest
from click.testing import CliRunner

from dash import integrity, migrations, store
from dash.cli import cli

from .conftest import CURATED, SHIPPED_DB


@pytest.fixture
def curated_dir(tmp_path):
    """A minimal curated folder in the real format (SYNTHETIC content)."""
    root = tmp_path / "curated"
    (root / "events").mkdir(parents=True)
    (root / "dataset.yaml").write_text('title: SYNTHETIC\nas_of: "2024-06-01"\n')
    (root / "documents.yaml").write_text(
        textwrap.dedent(
            """\
            - id: syn-doc
              publisher: SYNTHETIC Gazette
              url: https://example.org/syn
              published: 2024-05-02
              kind: news_report
            - id: syn-gazetteer
              publisher: SYNTHETIC Atlas
              url: https://example.org/atlas
              kind: reference
            """
        )
    )
    (root / "places.yaml").write_text(
        "- {key: syn-town, name: SYNTHETIC town, level: town, latitude: 33.5, longitude: 70.1, source: syn-gazetteer}\n"
    )
    (root / "statistics.yaml").write_text(
        textwrap.dedent(
            """\
            - id: syn-stat
              tracker: SYNTHETIC
              document_id: syn-doc
              period_start: 2024-01-01
              period_end: 2024-12-31
              region: Pakistan
              metric: attacks
              value: 12
              definition: SYNTHETIC attacks
            """
        )
    )
    (root / "events" / "syn-a.yaml").write_text(
        textwrap.dedent(
            """\
            id: syn-a
            title: SYNTHETIC clash
            date: {start: 2024-05-01, precision: day}
            place: {country: Pakistan, admin1: Khyber Pakhtunkhwa, location: SYNTHETIC town, gazetteer: syn-town}
            event_type: Battles
            sub_event_type: Armed clash
            fatalities: {low: 2, best: 3, high: 5, basis: SYNTHETIC}
            claims:
              - {id: one, party: pakistan_state, claimant: SYNTHETIC, document: syn-doc, account: SYNTHETIC, killed: 2}
              - {id: two, party: militant, claimant: SYNTHETIC, document: syn-doc, account: SYNTHETIC, killed: 5, quote: "=HYPERLINK(evil)"}
            """
        )
    )
    (root / "research").mkdir()
    (root / "research" / "syn-a.yaml").write_text(
        textwrap.dedent(
            """\
            event: syn-a
            searched: [SYNTHETIC query]
            pages:
              - document: syn-doc
                says: SYNTHETIC page that the two claims come from
                excerpt: 'The SYNTHETIC group wrote =HYPERLINK(evil) in its statement.'
            """
        )
    )
    return root


def test_build_refuses_a_quote_not_in_its_recorded_excerpt(curated_dir, tmp_path):
    notes = curated_dir / "research" / "syn-a.yaml"
    notes.write_text(notes.read_text().replace("=HYPERLINK(evil)", "something else"))
    result = CliRunner().invoke(
        cli, ["build", "--curated", str(curated_dir), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code != 0
    assert "research/syn-a.yaml" in result.output
    assert "quote '=HYPERLINK(evil)' is not found verbatim in the recorded excerpt" in result.output
    assert not (tmp_path / "x.db").exists()


def test_build_refuses_an_event_without_research_notes(curated_dir, tmp_path):
    (curated_dir / "research" / "syn-a.yaml").unlink()
    result = CliRunner().invoke(
        cli, ["build", "--curated", str(curated_dir), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code != 0
    assert "research/syn-a.yaml: file: missing" in result.output


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def test_every_subcommand_has_help():
    for command in ("build", "check", "export", "migrate"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Usage:" in result.output and len(result.output.splitlines()) > 4


def test_build_twice_gives_the_same_content(curated_dir, tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    assert run("build", "--curated", str(curated_dir), "--db", str(a)).exit_code == 0
    assert run("build", "--curated", str(curated_dir), "--db", str(b)).exit_code == 0
    da, db_ = store.open_readonly(a), store.open_readonly(b)
    assert integrity.content_digest(da) == integrity.content_digest(db_)
    assert da.execute("SELECT latitude, geo_precision, place_source_id FROM events").fetchone() == (
        33.5, "exact", "syn-gazetteer",
    )  # fmt: skip


def test_build_refuses_bad_files_and_keeps_the_old_database(curated_dir, tmp_path):
    target = tmp_path / "keep.db"
    run("build", "--curated", str(curated_dir), "--db", str(target))
    before = store.file_sha256(target)
    bad = curated_dir / "events" / "syn-a.yaml"
    bad.write_text(bad.read_text().replace("low: 2", "low: 9"))  # low > best
    result = CliRunner().invoke(cli, ["build", "--curated", str(curated_dir), "--db", str(target)])
    assert result.exit_code != 0
    assert (
        "syn-a.yaml" in result.output
        and "fatalities low (9) is greater than best (3)" in result.output
    )
    assert store.file_sha256(target) == before
    assert not list(tmp_path.glob("keep.db.*.tmp"))


def test_build_reports_unknown_references_with_file_and_field(curated_dir, tmp_path):
    bad = curated_dir / "events" / "syn-a.yaml"
    bad.write_text(
        bad.read_text().replace(
            "document: syn-doc, account: SYNTHETIC, killed: 2", "document: nope, account: SYNTHETIC"
        )
    )
    result = CliRunner().invoke(
        cli, ["build", "--curated", str(curated_dir), "--db", str(tmp_path / "x.db")]
    )
    assert result.exit_code != 0
    assert "events/syn-a.yaml: claims[0].document: unknown document 'nope'" in result.output
    assert not (tmp_path / "x.db").exists()


def test_check_passes_on_the_shipped_database():
    result = run("check", "--db", str(SHIPPED_DB))
    assert result.exit_code == 0, result.output
    assert f"schema version: {migrations.latest_version()}" in result.output
    assert result.output.strip().endswith("ok")


def test_check_fails_clearly_on_a_truncated_copy(shipped_copy):
    data = shipped_copy.read_bytes()
    shipped_copy.write_bytes(data[: len(data) // 3])
    result = CliRunner().invoke(cli, ["check", "--db", str(shipped_copy)])
    assert result.exit_code == 1
    assert "problem:" in result.output


def test_check_fails_clearly_on_a_corrupted_copy(shipped_copy):
    data = bytearray(shipped_copy.read_bytes())
    page = 4096
    data[page * 2 : page * 4] = b"\xde\xad\xbe\xef" * (page // 2)  # wreck two pages
    shipped_copy.write_bytes(bytes(data))
    result = CliRunner().invoke(cli, ["check", "--db", str(shipped_copy)])
    assert result.exit_code == 1
    assert "problem:" in result.output


def test_check_fails_on_a_missing_file_and_names_it(tmp_path):
    result = CliRunner().invoke(cli, ["check", "--db", str(tmp_path / "gone.db")])
    assert result.exit_code == 1
    assert "gone.db" in result.output and "conflict-events build" in result.output


def test_db_path_comes_from_the_environment(curated_dir, tmp_path):
    target = tmp_path / "env.db"
    assert (
        run("build", "--curated", str(curated_dir), env={"EVENTS_DB": str(target)}).exit_code == 0
    )
    assert target.exists()
    assert "ok" in run("check", env={"EVENTS_DB": str(target)}).output


def test_export_filters_and_neutralises(curated_dir, tmp_path):
    target = tmp_path / "e.db"
    run("build", "--curated", str(curated_dir), "--db", str(target))
    result = CliRunner().invoke(
        cli, ["export", "claims", "--db", str(target), "--party", "militant"]
    )
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["party"] for r in rows] == ["militant"]
    assert rows[0]["quote"] == "'=HYPERLINK(evil)"
    assert "1 claim\n" in result.stderr
    empty = CliRunner().invoke(
        cli, ["export", "events", "--db", str(target), "--from", "2025-01-01"]
    )
    assert empty.stdout.splitlines()[1:] == []


def test_export_to_a_file_with_excel_bom(curated_dir, tmp_path):
    target = tmp_path / "e.db"
    run("build", "--curated", str(curated_dir), "--db", str(target))
    out = tmp_path / "events.csv"
    result = run("export", "events", "--db", str(target), "-o", str(out), "--excel")
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 2


def test_export_rejects_a_bad_date_with_a_clear_message(tmp_path):
    result = CliRunner().invoke(cli, ["export", "events", "--from", "2024-13-45"])
    assert result.exit_code == 2
    assert "--from" in result.output and "2024-13-45" in result.output


def test_shipped_database_matches_the_curated_files(tmp_path):
    """The committed database is a build product: rebuilding gives the same content."""
    rebuilt = tmp_path / "rebuilt.db"
    assert run("build", "--curated", str(CURATED), "--db", str(rebuilt)).exit_code == 0
    assert integrity.content_digest(store.open_readonly(rebuilt)) == integrity.content_digest(
        store.open_readonly(SHIPPED_DB)
    )


def test_cli_filters_read_like_the_sidebars(tmp_path, curated_dir):
    target = tmp_path / "e.db"
    run("build", "--curated", str(curated_dir), "--db", str(target))
    # any case, and any spelling the gazetteer knows: KPK is Khyber Pakhtunkhwa, and so is its
    # name in Urdu script
    for spelling in ("khyber pakhtunkhwa", "KPK", "NWFP", "خیبر پختونخوا"):
        result = CliRunner().invoke(
            cli, ["export", "events", "--db", str(target), "--province", spelling]
        )
        assert result.exit_code == 0, result.output
        assert result.stderr.strip() == "1 event"
    # an unknown value is an error that suggests the nearest known one
    result = CliRunner().invoke(
        cli, ["export", "events", "--db", str(target), "--province", "Khyber Pakhtunkwha"]
    )
    assert result.exit_code == 2
    assert (
        "--province 'Khyber Pakhtunkwha' matches no event; did you mean 'Khyber Pakhtunkhwa'?"
        in result.output
    )


def test_every_filter_field_is_a_cli_option():
    from dash.filters import specs

    result = run("export", "--help")
    for name, spec in specs().items():
        assert (spec.cli or f"--{spec.url}") in result.output, name
