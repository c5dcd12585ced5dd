"""Landing loader: re-delivery, schema refusal, unsplittable rows, leading zeros, Parquet."""

from pathlib import Path

import duckdb
import pytest

from dagster_project.landing import LandingSchemaError, load_landing

CONTACT_HEADER = "contact_id,campaign_id,advisor_id,customer_id,started_at,direction,talk_seconds,hold_seconds,wrap_seconds,outcome"
ROW_1 = "0001,C01,007,,2024-01-01T10:00:00+01:00,inbound,10,0,5,service"
ROW_2 = "0002,C01,007,h1,2024-01-01T11:00:00+01:00,inbound,20,0,5,service"


def write(path: Path, *lines: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def rows(warehouse: Path, sql: str):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_same_file_twice_adds_nothing(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    write(landing / "contacts" / "day1.csv", CONTACT_HEADER, ROW_1, ROW_2)
    first = load_landing(landing, wh)
    # The same bytes again, under another name too: still nothing new.
    write(landing / "contacts" / "day1_again.csv", CONTACT_HEADER, ROW_1, ROW_2)
    second = load_landing(landing, wh)
    assert (first.rows_loaded, second.rows_loaded) == (2, 0)
    assert second.tables["contacts"].files_skipped == 2
    assert rows(wh, "select count(*) from raw.contacts") == [(2,)]


def test_leading_zero_ids_stay_text(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    write(landing / "contacts" / "a.csv", CONTACT_HEADER, ROW_1)
    load_landing(landing, wh)
    assert rows(wh, "select contact_id, advisor_id, customer_id from raw.contacts") == [("0001", "007", None)]


def test_missing_column_refuses_the_load_and_writes_nothing(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    write(landing / "contacts" / "ok.csv", CONTACT_HEADER, ROW_1)
    load_landing(landing, wh)
    write(landing / "contacts" / "new_ok.csv", CONTACT_HEADER, ROW_2)
    write(landing / "advisors" / "bad.csv", "advisor_id,team_id", "007,T1")
    with pytest.raises(LandingSchemaError) as err:
        load_landing(landing, wh)
    message = str(err.value)
    assert "advisors/bad.csv" in message and "hired_on" in message and "left_on" in message and "site" in message
    # The valid new contacts file was not loaded either: the load is all or nothing.
    assert rows(wh, "select count(*) from raw.contacts") == [(1,)]
    assert rows(wh, "select count(*) from raw._deliveries") == [(1,)]


def test_unsplittable_rows_are_rejected_with_their_line(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    # Line 1 header, 2 ok, 3 too few fields, 4 ok, 5 too many fields, 6 ok.
    write(
        landing / "contacts" / "mixed.csv",
        CONTACT_HEADER, ROW_1, "0009,C01", ROW_2, ROW_1.replace("0001", "0003") + ",extra", ROW_1.replace("0001", "0004"),
    )
    report = load_landing(landing, wh)
    assert report.tables["contacts"].rows_loaded == 3
    assert report.tables["contacts"].rows_rejected == 2
    assert rows(wh, "select contact_id, _line from raw.contacts order by _line") == [("0001", 2), ("0002", 4), ("0004", 6)]
    rejects = rows(wh, "select file_name, line, reason from raw._load_rejects order by line")
    assert [(f, line) for f, line, _ in rejects] == [("contacts/mixed.csv", 3), ("contacts/mixed.csv", 5)]
    assert "MISSING COLUMNS" in rejects[0][2] and "TOO MANY COLUMNS" in rejects[1][2]


def test_corrected_file_is_a_new_delivery(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    path = write(landing / "contacts" / "day1.csv", CONTACT_HEADER, ROW_1)
    load_landing(landing, wh)
    write(path, CONTACT_HEADER, ROW_1.replace(",10,0,5,", ",99,0,5,"))
    load_landing(landing, wh)
    # Both versions are kept in raw with increasing delivery ids; staging keeps the latest.
    assert rows(wh, "select talk_seconds, _delivery_id from raw.contacts order by _delivery_id") == [("10", 1), ("99", 2)]


def test_parquet_files_load_like_csv(tmp_path):
    landing, wh = tmp_path / "landing", tmp_path / "wh.duckdb"
    (landing / "advisors").mkdir(parents=True)
    with duckdb.connect() as con:
        con.execute(
            "copy (select '0042' as advisor_id, 'T1' as team_id, 'Lyon' as site, date '2024-01-02' as hired_on,"
            f" null::date as left_on) to '{landing / 'advisors' / 'a.parquet'}' (format parquet)"
        )
    load_landing(landing, wh)
    assert rows(wh, "select advisor_id, hired_on, left_on, _line from raw.advisors") == [("0042", "2024-01-02", None, 1)]
