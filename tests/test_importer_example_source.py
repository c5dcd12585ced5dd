"""A second source onboarded from docs/importing.md alone: a made-up French CRM export
(tests/fixtures/other_source/: semicolon, Latin-1, accented agent names, dd/mm/yyyy, Paris
local times across the 2024-03-31 and 2024-10-27 DST changes, its own disposition codes),
mapped by mappings/example_semicolon_latin1.yml without any code change."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dagster_project.importers import import_source

ROOT = Path(__file__).parents[1]
MAPPING = ROOT / "mappings" / "example_semicolon_latin1.yml"
FIXTURE = ROOT / "tests" / "fixtures" / "other_source"
SOURCE = "example_semicolon_latin1"


def _read(out: Path, table: str) -> pd.DataFrame:
    return pd.read_csv(out / table / f"{SOURCE}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("other_out")
    return import_source(MAPPING, FIXTURE, out), out


def test_fixture_is_really_latin1_semicolon():
    data = (FIXTURE / "appels_2024-03.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("latin-1").splitlines()[0].startswith("Réf appel;Date;Heure;Conseiller")


def test_offsets_follow_paris_dst(imported):
    _report, out = imported
    started = _read(out, "contacts").set_index("contact_id")["started_at"]
    assert started["M-0001"] == "2024-03-30T10:00:00+01:00"  # winter time, day before the change
    assert started["M-0004"] == "2024-03-31T03:30:00+02:00"  # 02:30 does not exist: shift_forward
    assert started["M-0005"] == "2024-03-31T10:00:00+02:00"  # summer time, same day
    assert started["M-0008"] == "2024-04-02T09:15:00+02:00"
    assert started["M-0101"] == "2024-10-26T18:00:00+02:00"  # summer time, day before the change
    assert started["M-0102"] == "2024-10-27T02:30:00+02:00"  # 02:30 happens twice: earlier
    assert started["M-0103"] == "2024-10-27T03:30:00+01:00"  # after the change
    assert started["M-0104"] == "2024-10-27T10:00:00+01:00"
    assert started["M-0105"] == "2024-10-28T11:00:00+01:00"
    # instants are right: 02:30 on 2024-03-31 read with the pre-change offset = 01:30 UTC
    assert pd.Timestamp(started["M-0004"]).tz_convert("UTC") == pd.Timestamp("2024-03-31T01:30:00Z")


def test_outcomes_directions_and_durations(imported):
    report, out = imported
    c = _read(out, "contacts").set_index("contact_id")
    assert c["outcome"].to_dict() == {
        "M-0001": "service",
        "M-0002": "no_answer",
        "M-0003": "sale",
        "M-0004": "service",
        "M-0005": "service",
        "M-0008": "retention_saved",
        "M-0009": "retention_lost",
        "M-0101": "service",
        "M-0102": "service",
        "M-0103": "service",
        "M-0104": "appointment",
        "M-0105": "gatekeeper_blocked",
        "M-0106": "argued",
        "M-0107": "not_argued",
    }
    assert set(c.loc[c["campaign_id"] == "ex-acq", "direction"]) == {"outbound"}
    assert set(c.loc[c["campaign_id"] != "ex-acq", "direction"]) == {"inbound"}
    assert c.loc["M-0001", ["talk_seconds", "hold_seconds", "wrap_seconds"]].tolist() == ["275", "20", "30"]  # 04:35
    assert c.loc["M-0002", "customer_id"] == "" and c.loc["M-0001", "customer_id"] == "C-1001"
    assert report.counted == {"abandoned": 1, "test_call": 1}
    assert report.contacts_written == 14 and report.rows_read == 19
    assert (report.ambiguous_times, report.nonexistent_times) == (1, 1)


def test_accented_names_give_stable_distinct_advisors(imported):
    _report, out = imported
    key = pd.read_csv(out / "_summary" / f"{SOURCE}_advisor_names.csv", dtype=str, encoding="utf-8")
    assert sorted(key["source_name"]) == ["FRANÇOIS MÜLLER", "HÉLÈNE DUPRÉ", "JÉRÔME ÇELIK", "ZOË LEFÈVRE"]
    c = _read(out, "contacts").set_index("contact_id")
    # "Jérôme Çelik" and "jérôme  çelik" are one advisor
    assert c.loc["M-0008", "advisor_id"] == c.loc["M-0009", "advisor_id"]
    assert len(_read(out, "advisors")) == 4
    assert set(_read(out, "campaigns")["campaign_name"]) == {"Acquisition", "Service client", "Fidélisation"}


def test_bad_rows_are_quarantined_with_file_and_line(imported):
    report, out = imported
    q = pd.read_csv(out / "_quarantine" / f"{SOURCE}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    assert q[["file", "line", "column", "reason"]].values.tolist() == [
        ["appels_2024-03.csv", "8", "Date", "invalid_date"],
        ["appels_2024-10.csv", "10", "Qualification", "unmapped_value"],
        ["appels_2024-10.csv", "11", "Réf appel", "duplicate_key"],
    ]
    assert report.quarantined == {"duplicate_key": 1, "invalid_date": 1, "unmapped_value": 1}
    # the quoted comment with a ';' did not break its row
    assert "M-0003" in set(_read(out, "contacts")["contact_id"])


def test_production_hours_span_dst_in_real_time(imported):
    _report, out = imported
    ph = _read(out, "production_hours")
    zoe = _read(out, "contacts").set_index("contact_id").loc["M-0102", "advisor_id"]
    # 02:30+02:00 and 03:30+01:00 are two hours apart: two sessions of 120 + 10 s each
    day = ph[(ph["advisor_id"] == zoe) & (ph["work_date"] == "2024-10-27")]
    assert day["logged_seconds"].tolist() == ["260"]


@pytest.mark.parametrize(
    ("ambiguous", "nonexistent", "m0102", "m0004", "reasons"),
    [
        ("later", "shift_forward", "2024-10-27T02:30:00+01:00", "2024-03-31T03:30:00+02:00", set()),
        ("quarantine", "quarantine", None, None, {"ambiguous_time", "nonexistent_time"}),
    ],
)
def test_dst_rules_are_configurable(tmp_path, ambiguous, nonexistent, m0102, m0004, reasons):
    m = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))
    m["ambiguous_times"], m["nonexistent_times"] = ambiguous, nonexistent
    path = tmp_path / "m.yml"
    path.write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
    report = import_source(path, FIXTURE, tmp_path / "out")
    started = pd.read_csv(tmp_path / "out" / "contacts" / f"{SOURCE}.csv", dtype=str).set_index("contact_id")[
        "started_at"
    ]
    assert started.get("M-0102") == m0102 and started.get("M-0004") == m0004
    assert reasons <= set(report.quarantined)


def _keys(node, path=()):
    """Mapping keys that are part of the format (not user values such as column names or codes)."""
    if isinstance(node, dict):
        for k, v in node.items():
            data_key = path and path[-1] in ("columns", "map", "values")
            if not data_key:
                yield k
            yield from _keys(v, (*path, k))


def test_every_key_of_the_example_mapping_is_documented():
    docs = (ROOT / "docs" / "importing.md").read_text(encoding="utf-8")
    docs = re.sub(r"```.*?```", "", docs, flags=re.DOTALL)  # fenced blocks are examples, not the reference
    spans = re.findall(r"`([^`]+)`", docs)  # code spans: `key`, `{column: <col>, map: ...}`, `id.method`
    documented = {w for span in spans for w in re.findall(r"[a-z_]+", span)}
    used = set(_keys(yaml.safe_load(MAPPING.read_text(encoding="utf-8"))))
    assert used - documented == set()
