"""Mapping validation: a wrong mapping stops the import with a message naming the key."""

from __future__ import annotations

import copy
from pathlib import Path

import pandas as pd
import pytest
import yaml

from dagster_project.importers import MappingError, import_source, load_mapping
from dagster_project.importers.__main__ import main as cli
from dagster_project.importers.timestamps import localize

ROOT = Path(__file__).parents[1]
BASE = yaml.safe_load((ROOT / "mappings" / "example_semicolon_latin1.yml").read_text(encoding="utf-8"))
FIXTURE = ROOT / "tests" / "fixtures" / "other_source"


def _write(tmp_path: Path, m: dict) -> Path:
    p = tmp_path / "m.yml"
    p.write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda m: m["contacts"]["outcome"]["map"].update({"VENTE": "sold"}), "contacts.outcome.map.VENTE"),
        (lambda m: m["contacts"].update({"talk_seconds": "nope"}), "contacts.talk_seconds"),
        (lambda m: m.update({"timezone": "Paris"}), "timezone"),
        (lambda m: m["campaigns"]["values"]["SAV"].update({"kind": "support"}), "campaigns.values.SAV.kind"),
        (lambda m: m["input"].update({"delimiter": ";;"}), "input.delimiter"),
        (lambda m: m.update({"colums": {}}), "unknown key"),
        (lambda m: m["columns"]["Date"].pop("format"), "columns.Date.format"),
        (lambda m: m["contacts"].update({"contact_id": "{missing_col}"}), "contacts.contact_id"),
        (lambda m: m["contacts"]["direction"]["map"].update({"Entrant": "in"}), "contacts.direction"),
        (
            lambda m: m["campaigns"]["defaults"].update({"primary_indicators": ["fcr"]}),
            "campaigns.defaults.primary_indicators",
        ),
    ],
)
def test_invalid_mapping_names_the_key(tmp_path, change, message):
    m = copy.deepcopy(BASE)
    change(m)
    with pytest.raises(MappingError, match=message.replace(".", r"\.")):
        load_mapping(_write(tmp_path, m))


def test_missing_header_column_refuses_the_file(tmp_path):
    m = copy.deepcopy(BASE)
    m["columns"]["Canal"] = {"as": "channel"}
    with pytest.raises(MappingError, match=r"\['Canal'\].*not in the file's header"):
        import_source(_write(tmp_path, m), FIXTURE, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_no_matching_file_is_an_error_and_the_cli_says_so(tmp_path, capsys):
    m = copy.deepcopy(BASE)
    m["input"]["glob"] = "*.nothing"
    path = _write(tmp_path, m)
    assert cli(["--mapping", str(path), "--input", str(FIXTURE), "--out", str(tmp_path / "out")]) == 2
    assert "matches input.glob" in capsys.readouterr().err


def test_header_less_file_with_names_and_skip_lines(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    text = (FIXTURE / "appels_2024-03.csv").read_bytes().decode("latin-1").splitlines()
    (inp / "appels_x.csv").write_bytes(("EXPORT DU 01/04/2024\n" + "\n".join(text[1:4]) + "\n\n").encode("latin-1"))
    m = copy.deepcopy(BASE)
    m["input"].update({"header": False, "skip_lines": 1, "names": text[0].split(";")})
    report = import_source(_write(tmp_path, m), inp, tmp_path / "out")
    assert (report.rows_read, report.contacts_written, report.blank_lines) == (3, 3, 1)


def test_stale_outputs_of_the_source_are_replaced(tmp_path):
    m = copy.deepcopy(BASE)
    out = tmp_path / "out"
    (out / "trainings").mkdir(parents=True)
    (out / "trainings" / "example_semicolon_latin1.csv").write_text("stale\n")
    (out / "trainings" / "other_source.csv").write_text("kept\n")
    import_source(_write(tmp_path, m), FIXTURE, out)
    assert not (out / "trainings" / "example_semicolon_latin1.csv").exists()
    assert (out / "trainings" / "other_source.csv").read_text() == "kept\n"


def test_localize_handles_other_zones_and_offsets():
    s = pd.Series(pd.to_datetime(["2024-01-15 12:00", "2024-07-15 12:00", None]))
    assert localize(s, "America/New_York").iso.tolist() == [
        "2024-01-15T12:00:00-05:00",
        "2024-07-15T12:00:00-04:00",
        None,
    ]
    assert localize(s[:1], "Asia/Kolkata").iso.tolist() == ["2024-01-15T12:00:00+05:30"]


def test_undecodable_lines_are_quarantined_and_a_wrong_encoding_is_refused(tmp_path):
    inp = tmp_path / "in"
    inp.mkdir()
    lines = (FIXTURE / "appels_2024-03.csv").read_bytes().decode("latin-1").splitlines()
    body = [lines[0], lines[1], lines[2]]  # the header and line 2 are accented
    (inp / "appels_u.csv").write_bytes(
        (body[0] + "\n").encode("utf-8") + (body[1] + "\n").encode("latin-1") + (body[2] + "\n").encode("utf-8")
    )
    m = copy.deepcopy(BASE)
    m["input"]["encoding"] = "utf-8"
    report = import_source(_write(tmp_path, m), inp, tmp_path / "out")
    assert report.quarantined == {"encoding_error": 1} and report.contacts_written == 1
    q = pd.read_csv(tmp_path / "out" / "_quarantine" / "example_semicolon_latin1.csv", dtype=str)
    assert q.loc[0, "line"] == "2"
    with pytest.raises(MappingError, match="header line cannot be decoded"):
        import_source(_write(tmp_path, m), FIXTURE, tmp_path / "out2")
