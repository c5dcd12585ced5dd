"""Published copy: atomic replacement, readers undisturbed, nothing raw, small groups hidden."""

import duckdb

from dagster_project.publish import publish


def make_warehouse(path, lift):
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw; create table raw.contacts as select 'CUST-123' as customer_id")
        con.execute("create schema marts; create table marts.fct_quarantine as select 'contacts' as table_name, 'x,CUST-123' as raw_line")
        con.execute("create schema analysis")
        con.execute(
            f"""create table analysis.training_impact as
                select * from (values ('C1', 12, 9, {lift}), ('C2', 3, 9, 0.5::double)) t(campaign_id, n_stable, n_comparison, adjusted_lift)"""
        )


def test_publish_while_a_reader_holds_the_old_copy(tmp_path):
    wh, pub = tmp_path / "wh.duckdb", tmp_path / "pub.duckdb"
    make_warehouse(wh, 0.10)
    publish(wh, pub)
    reader = duckdb.connect(str(pub), read_only=True)  # an analyst's open session
    wh.unlink()
    make_warehouse(wh, 0.20)
    publish(wh, pub)  # must not fail because of the reader
    assert reader.execute("select adjusted_lift from analysis.training_impact where campaign_id = 'C1'").fetchone() == (0.10,)
    reader.close()
    with duckdb.connect(str(pub), read_only=True) as con:
        assert con.execute("select adjusted_lift from analysis.training_impact where campaign_id = 'C1'").fetchone() == (0.20,)


def test_published_copy_has_no_raw_layer_and_suppresses_small_groups(tmp_path):
    wh, pub = tmp_path / "wh.duckdb", tmp_path / "pub.duckdb"
    make_warehouse(wh, 0.10)
    report = publish(wh, pub, min_group_size=5)
    with duckdb.connect(str(pub), read_only=True) as con:
        schemas = {r[0] for r in con.execute("select schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"marts", "analysis"}
        assert "raw_line" not in {r[0] for r in con.execute("select column_name from duckdb_columns()").fetchall()}
        rows = con.execute("select campaign_id, adjusted_lift, suppressed from analysis.training_impact order by 1").fetchall()
    # C2 has 3 stable advisors (< 5): its estimate is withheld.
    assert rows == [("C1", 0.10, False), ("C2", None, True)]
    assert report.rows_suppressed == 1
