"""Customer identifiers are pseudonymised at staging; none survives past it.

The landing_small fixture is copied with every customer id made unmistakable
(`PRIV-CUST-<id>`: upper case and hyphens never occur in a lowercase hex pseudonym, so a
substring search cannot be fooled by a hash) and one unsplittable contacts line carrying a
customer id. Then:
- without PSEUDONYMISATION_KEY (and without CR_DEMO=1) the build stops at once, naming the
  variable; `dbt parse` (Dagster loading its definitions) still works;
- with a key: every VARCHAR value of every table of the intermediate and marts schemas, and
  of the published copy, is searched for any raw customer id of the landing files: none;
  customer ids are sha256(key || ':' || id), so joins by customer still work;
- with another key the incremental models refuse to mix pseudonyms; CR_DEMO=1 uses the
  demo key.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shutil

import duckdb
import pytest

from test_incremental import LANDING_SMALL, SMALL_VARS, TEST_KEY, connect, dbt, load

MARK = "PRIV-CUST-"
PERSONAL = {"contacts": "customer_id", "sales": "customer_id", "customers": "customer_id"}


def private_landing(dst):
    shutil.copytree(LANDING_SMALL, dst)
    raw_ids = set()
    for table, column in PERSONAL.items():
        for path in (dst / table).glob("*.csv"):
            with open(path, encoding="utf-8", newline="") as f:
                reader = csv.DictReader(f)
                header, rows = reader.fieldnames, list(reader)
            for row in rows:
                if row[column]:
                    row[column] = MARK + row[column]
                    raw_ids.add(row[column])
            with open(path, "w", encoding="utf-8", newline="") as f:
                writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    # a line the loader cannot split (one field too many), with a customer id in it
    with open(dst / "contacts" / "contacts_2024-03.csv", "a", encoding="utf-8") as f:
        f.write(f"Z1,OUT1,007,{MARK}z1,2024-03-20T10:00:00+01:00,outbound,1,0,0,argued,extra\n")
    raw_ids.add(f"{MARK}z1")
    return raw_ids


@pytest.fixture(scope="module")
def private(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("privacy")
    landing = tmp / "landing"
    raw_ids = private_landing(landing)
    wh = tmp / "warehouse.duckdb"
    load(landing, wh)
    dbt(wh, "build", vars=SMALL_VARS)
    return {"tmp": tmp, "landing": landing, "warehouse": wh, "raw_ids": raw_ids}


def test_build_without_key_fails_clearly_and_parse_still_works(private):
    wh = private["tmp"] / "nokey" / "warehouse.duckdb"
    wh.parent.mkdir()
    load(private["landing"], wh)
    proc = dbt(wh, "build", vars=SMALL_VARS, env={"PSEUDONYMISATION_KEY": None}, check=False)
    assert proc.returncode != 0
    assert "PSEUDONYMISATION_KEY is not set" in proc.stdout, proc.stdout[-3000:]
    con = connect(wh)
    try:
        assert con.execute("select count(*) from information_schema.tables where table_schema = 'marts'").fetchone()[0] == 0
    finally:
        con.close()
    assert dbt(wh, "parse", env={"PSEUDONYMISATION_KEY": None}, check=False).returncode == 0


def varchar_values(con, schemas):
    for schema, table, column in con.execute(
        """select table_schema, table_name, column_name from information_schema.columns
           where table_schema in ({}) and data_type = 'VARCHAR'
             and table_name in (select table_name from information_schema.tables
                                where table_type = 'BASE TABLE' and table_schema = columns.table_schema)""".format(
            ", ".join(f"'{s}'" for s in schemas))
    ).fetchall():
        for (value,) in con.execute(f'select distinct "{column}" from {schema}."{table}" where "{column}" is not null').fetchall():
            yield f"{schema}.{table}.{column}", value


def test_no_raw_customer_id_in_intermediate_marts_or_published_copy(private):
    wh = private["warehouse"]
    con = connect(wh)
    try:
        # the fixture does reach those tables: raw ids are in raw, pseudonyms downstream
        assert con.execute(f"select count(*) from raw.contacts where customer_id like '{MARK}%'").fetchone()[0] > 0
        assert con.execute("select count(*) from raw._load_rejects").fetchone()[0] == 1
        leaks = [(where, value) for where, value in varchar_values(con, ["intermediate", "marts"]) if MARK in value
                 or value in private["raw_ids"]]
        assert leaks == []
        # customer ids are the keyed hash; the quarantined rows show it too
        pseudonym = hashlib.sha256(f"{TEST_KEY}:{MARK}c04".encode()).hexdigest()
        assert con.execute("select customer_id from intermediate.int_contacts where contact_id = 'O5'").fetchone()[0] == pseudonym
        rows = {r[0]: r[1] for r in con.execute("select line, row_json from marts.fct_quarantine where file_name = 'contacts/contacts_2024-10.csv'").fetchall()}
        assert f'"{hashlib.sha256(f"{TEST_KEY}:{MARK}c20".encode()).hexdigest()}"' in rows[4]
        load_reject = con.execute("select row_json from marts.fct_quarantine where check_stage = 'load'").fetchone()[0]
        assert "withheld" in load_reject
        # still joinable: the FCR/repeat case of CS01 keeps its customers together
        assert con.execute(
            "select sum(repeat_followed_contacts), sum(repeat_eligible_contacts) from marts.fct_advisor_campaign_monthly where campaign_id = 'CS01'"
        ).fetchone() == (2, 4)
    finally:
        con.close()

    from dagster_project.publish import publish

    published = private["tmp"] / "published.duckdb"
    publish(wh, published)
    con = duckdb.connect(str(published), read_only=True)
    try:
        schemas = [r[0] for r in con.execute("select distinct table_schema from information_schema.tables").fetchall()]
        leaks = [(where, value) for where, value in varchar_values(con, schemas) if MARK in value or value in private["raw_ids"]]
        assert leaks == []
    finally:
        con.close()


def test_another_key_is_refused_and_demo_mode_uses_the_demo_key(private):
    wh = private["warehouse"]
    proc = dbt(wh, "run", "--select", "int_contacts", vars=SMALL_VARS, env={"PSEUDONYMISATION_KEY": "another-key"}, check=False)
    assert proc.returncode != 0
    assert re.search(r"pseudonymisation key \(PSEUDONYMISATION_KEY\) differs", proc.stdout), proc.stdout[-3000:]

    demo = private["tmp"] / "demo" / "warehouse.duckdb"
    demo.parent.mkdir()
    load(private["landing"], demo)
    dbt(demo, "run", "--select", "stg_contacts", env={"PSEUDONYMISATION_KEY": None, "CR_DEMO": "1"})
    con = connect(demo)
    try:
        value = con.execute("select customer_id from staging.stg_contacts where contact_id = 'O5'").fetchone()[0]
    finally:
        con.close()
    assert value == hashlib.sha256(f"cr-impact-demo-key-not-secret:{MARK}c04".encode()).hexdigest()
