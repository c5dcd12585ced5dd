"""Sample-data generator: determinism, landing-contract conformance, truth of the scenarios.

Small sizes and few months keep it fast; the effect checks read the written files with
plain pandas, as an analyst would.
"""

from __future__ import annotations

import filecmp
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml

from dagster_project.sample_data import CR_PROGRAMME, TABLES, Scenario, generate, get_scenario
from dagster_project.settings import CONTRACT_FILE

ID_PATTERNS = {
    "advisor_id": r"A\d{4}",
    "campaign_id": r"C\d{2}",
    "contact_id": r"CT\d{10}",
    "customer_id": r"CU\d{8}",
    "sale_id": r"SA\d{9}",
    "survey_id": r"SV\d{9}",
    "team_id": r"T\d{3}",
    "event_id": r"E\d{3}",
}
TS = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}")
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MONTHLY = ("production_hours", "contacts", "sales", "customers", "surveys")


def _contract() -> dict[str, list[dict]]:
    with open(CONTRACT_FILE, encoding="utf-8") as f:
        (raw,) = [s for s in yaml.safe_load(f)["sources"] if s["name"] == "raw"]
    return {t["name"]: t["columns"] for t in raw["tables"]}


def read(d: Path, table: str, cols: list[str] | None = None) -> pd.DataFrame:
    files = sorted((d / table).glob("*.csv"))
    return pd.concat(
        [pd.read_csv(f, dtype=str, keep_default_na=False, usecols=cols, encoding="utf-8").assign(_file=f.name) for f in files],
        ignore_index=True,
    )


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """Four months (covers the 2024-03-31 DST change), about 30 advisors."""
    d = tmp_path_factory.mktemp("sample_small")
    generate(d, seed=11, scenario="default", size=0.15, months=4)
    return d


# ---------------------------------------------------------------------------------------
# determinism
# ---------------------------------------------------------------------------------------
def test_same_seed_gives_identical_bytes(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=5, size=0.1, months=2)
    generate(b, seed=5, size=0.1, months=2)
    generate(c, seed=6, size=0.1, months=2)
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert Path("_truth/truth.json") in files
    for rel in files:
        assert filecmp.cmp(a / rel, b / rel, shallow=False), f"{rel} differs between two runs with the same seed"
    assert not filecmp.cmp(a / "contacts/contacts_2024-01.csv", c / "contacts/contacts_2024-01.csv", shallow=False)


# ---------------------------------------------------------------------------------------
# contract conformance
# ---------------------------------------------------------------------------------------
def test_layout_one_folder_per_table_and_monthly_files(small):
    for table in TABLES:
        files = sorted(p.name for p in (small / table).glob("*.csv"))
        if table in MONTHLY:
            assert files == [f"{table}_2024-0{m}.csv" for m in range(1, 5)]
        else:
            assert files == [f"{table}.csv"]
    assert (small / "_truth" / "truth.json").is_file()


def test_every_contract_column_type_and_accepted_value(small):
    for table, columns in _contract().items():
        df = read(small, table)
        assert list(df.columns[:-1]) == [c["name"] for c in columns], table
        assert len(df) > 0, f"{table} is empty"
        for col in columns:
            name, meta, typ = col["name"], col.get("meta") or {}, col["data_type"]
            s = df[name]
            filled = s[s != ""]
            if meta.get("nullable") is False:
                assert (s != "").all(), f"{table}.{name} has empty values"
            if "accepted_values" in meta:
                bad = set(filled) - {str(v) for v in meta["accepted_values"]}
                assert not bad, f"{table}.{name}: {bad}"
            if typ == "date":
                assert filled.str.fullmatch(DATE.pattern).all(), f"{table}.{name}"
                pd.to_datetime(filled, format="%Y-%m-%d")
            elif typ == "timestamptz":
                assert filled.str.fullmatch(TS.pattern).all(), f"{table}.{name}"
            elif typ in ("integer", "bigint"):
                assert filled.str.fullmatch(r"-?\d+").all(), f"{table}.{name}"
            elif typ.startswith("decimal"):
                assert filled.str.fullmatch(r"\d+\.\d{2}").all(), f"{table}.{name}"
            elif typ == "boolean":
                assert set(filled) <= {"true", "false"}, f"{table}.{name}"
            elif typ == "double":
                filled.astype(float)
            if "min" in meta or "max" in meta:
                v = filled.astype(float)
                assert v.min() >= meta.get("min", -np.inf) and v.max() <= meta.get("max", np.inf), f"{table}.{name}"
            if name in ID_PATTERNS:
                assert filled.str.fullmatch(ID_PATTERNS[name]).all(), f"{table}.{name} ids lose their format"


def test_ids_keep_leading_zeros_and_keys_are_unique(small):
    adv = read(small, "advisors")
    assert adv.advisor_id.iloc[0] == "A0001"
    assert read(small, "campaigns").campaign_id.tolist()[:2] == ["C01", "C02"]
    for table, key in (("contacts", ["contact_id"]), ("surveys", ["survey_id"]),
                       ("production_hours", ["advisor_id", "campaign_id", "work_date"])):
        df = read(small, table)
        assert not df.duplicated(key).any(), table
    # re-deliveries: a sale or customer may appear again, only in a later monthly file
    for table, key in (("sales", ["sale_id"]), ("customers", ["customer_id", "campaign_id"])):
        df = read(small, table)
        assert not df.duplicated(key + ["_file"]).any(), table
    ph = read(small, "production_hours")
    secs = ph.logged_seconds.astype(int)
    assert secs.between(0, 86400).all() and secs.mean() / 3600 > 5.5


def test_timestamps_carry_the_campaign_offset(small):
    camps = read(small, "campaigns").set_index("campaign_id")
    zone = {c: (tz or "Europe/Paris") for c, tz in camps.timezone.items()}
    assert "" in set(camps.timezone), "one campaign relies on the contract's default time zone"
    c = read(small, "contacts", ["campaign_id", "started_at"])
    for cid, ts in c.groupby("campaign_id").started_at:
        tz = ZoneInfo(zone[cid])
        sample = ts.iloc[:: max(1, len(ts) // 3000)]
        for text in sample:
            aware = datetime.fromisoformat(text)
            local = aware.replace(tzinfo=None)
            assert aware.utcoffset() == local.replace(tzinfo=tz).utcoffset(), (cid, text)
    offsets = set(c.started_at.str[-6:])
    assert {"+01:00", "+02:00", "-04:00"} <= offsets  # CET, CEST (after 2024-03-31), Martinique
    # activity on the DST change day, and contacts ending after midnight
    dst_day = c[c.started_at.str.startswith("2024-03-31") & (c.campaign_id.map(zone) == "Europe/Paris")]
    assert len(dst_day) and set(dst_day.started_at.str[-6:]) == {"+02:00"}
    full = read(small, "contacts")
    start = pd.to_datetime(full.started_at.str[:19])
    end = start + pd.to_timedelta(full.talk_seconds.astype(int) + full.hold_seconds.astype(int), unit="s")
    assert (end.dt.date > start.dt.date).sum() > 0


def test_referential_consistency(small):
    adv = read(small, "advisors").set_index("advisor_id")
    camps = set(read(small, "campaigns").campaign_id)
    contacts = read(small, "contacts")
    assert set(contacts.advisor_id) <= set(adv.index) and set(contacts.campaign_id) <= camps
    # contacts happen while the advisor is employed, on a day with production hours
    ph = read(small, "production_hours")
    day = contacts.started_at.str[:10]
    assert (day >= contacts.advisor_id.map(adv.hired_on)).all()
    left = contacts.advisor_id.map(adv.left_on)
    assert ((left == "") | (day < left)).all()
    keys = set(zip(ph.advisor_id, ph.campaign_id, ph.work_date))
    assert all(k in keys for k in zip(contacts.advisor_id, contacts.campaign_id, day))
    # outcomes match the campaign kind
    kind = contacts.campaign_id.map(read(small, "campaigns").set_index("campaign_id").kind)
    assert set(contacts[kind == "retention"].outcome) <= {"retention_saved", "retention_lost", "service"}
    assert set(contacts[kind == "b2b_appointments"].outcome) <= {
        "no_answer", "gatekeeper_blocked", "not_argued", "argued", "appointment"}
    assert set(contacts[kind.isin(["inbound_sales", "customer_service"])].direction) == {"inbound"}
    unidentified = (contacts.customer_id == "").mean()
    assert 0.01 < unidentified < 0.15
    sales = read(small, "sales")
    by_id = contacts.set_index("contact_id")
    assert set(sales.contact_id) <= set(by_id.index)
    assert (by_id.loc[sales.contact_id, "outcome"] == "sale").all()
    assert (sales.sold_at.str[:19] >= by_id.loc[sales.contact_id, "started_at"].str[:19].to_numpy()).all()
    w = sales[sales.withdrawn_at != ""]
    delay = pd.to_datetime(w.withdrawn_at, utc=True) - pd.to_datetime(w.sold_at, utc=True)
    assert (delay > pd.Timedelta(0)).all() and (delay < pd.Timedelta(days=30)).all()
    again = sales[sales.duplicated("sale_id", keep=False)].sort_values(["sale_id", "_file"])
    assert len(again) and (again.groupby("sale_id").tail(1)[["withdrawn_at", "cancelled_at"]] != "").any(axis=1).all()
    surveys = read(small, "surveys")
    scale = read(small, "survey_questions").set_index("question")
    assert set(surveys.contact_id) <= set(by_id.index)
    sc = surveys.score.astype(int)
    assert (sc >= surveys.question.map(scale.scale_min).astype(int)).all()
    assert (sc <= surveys.question.map(scale.scale_max).astype(int)).all()
    assert set(scale[scale.is_cr_related == "true"].index) == {"cr_listening", "cr_personalisation"}
    cust = read(small, "customers")
    assert set(contacts.customer_id) - {""} <= set(cust.customer_id)
    trainings = read(small, "trainings")
    assert CR_PROGRAMME in set(trainings.programme)
    events = read(small, "events")
    assert {"pay_scheme_change", "price_change"} <= set(events.kind)


def test_parquet_holds_the_same_text_as_csv(tmp_path):
    generate(tmp_path / "csv", seed=3, size=0.1, months=1)
    generate(tmp_path / "pq", seed=3, size=0.1, months=1, fmt="parquet")
    con = duckdb.connect()
    for table in ("contacts", "sales", "campaigns", "advisors"):
        stem = f"{table}_2024-01" if table in MONTHLY else table
        csv = pd.read_csv(tmp_path / "csv" / table / f"{stem}.csv", dtype=str, keep_default_na=False)
        cols = ", ".join(f'"{c}"::VARCHAR AS "{c}"' for c in csv.columns)
        pq = con.execute(f"select {cols} from read_parquet(?)", [str(tmp_path / "pq" / table / f"{stem}.parquet")]).df()
        pq = pq.fillna("").astype(str)
        pd.testing.assert_frame_equal(csv, pq, check_dtype=False)


# ---------------------------------------------------------------------------------------
# truth and scenarios
# ---------------------------------------------------------------------------------------
def test_truth_describes_campaigns_trainings_and_confounders(small):
    truth = json.loads((small / "_truth" / "truth.json").read_text(encoding="utf-8"))
    assert truth["seed"] == 11 and truth["scenario"] == "default"
    trained = read(small, "trainings")
    trained = trained[trained.programme == CR_PROGRAMME]
    assert truth["trainings"] == dict(zip(trained.advisor_id, trained.trained_on))
    assert set(truth["effects"]) == set(read(small, "campaigns").campaign_id)
    assert truth["effects"]["C03"]["sales_or_appointments_per_hour"] == pytest.approx(0.40)
    assert truth["effects"]["C04"]["gatekeeper_block_rate"] == pytest.approx(-0.12)
    assert truth["effects"]["C08"]["gatekeeper_block_rate"] is None  # not applicable to inbound
    assert truth["confounders"]["pay_scheme_change"]["campaign_id"] == "C01"
    assert truth["confounders"]["price_change"]["size"] > 0
    mults = [a["effect_multiplier"] for a in truth["advisors"].values() if a["trained_on"]]
    assert np.mean(mults) == pytest.approx(1.0, abs=0.05)


def test_no_effect_truth_is_all_zero(tmp_path):
    generate(tmp_path, seed=2, scenario="no_effect", size=0.1, months=2)
    truth = json.loads((tmp_path / "_truth" / "truth.json").read_text(encoding="utf-8"))
    values = [v for eff in truth["effects"].values() for v in eff.values() if v is not None]
    assert values and all(v == 0 for v in values)
    assert all(not d for d in truth["direct_effects"].values())
    assert truth["confounders"]["season"]["amplitude"] > 0


def test_scenarios_are_knob_presets():
    assert get_scenario("effect_5").uniform_effect == 0.05
    assert get_scenario("adopters_already_better").adoption_dependence == 0
    custom = get_scenario("no_effect", months=6, season_amplitude=0.0)
    assert isinstance(custom, Scenario) and custom.months == 6 and custom.effect_scale == 0
    with pytest.raises(ValueError):
        get_scenario("nope")


def _panel(d: Path, outcomes: set[str] | None) -> pd.DataFrame:
    """advisor x campaign x month: numerator y (contacts with those outcomes, or handled
    contacts), production hours, whether the advisor's CR training is before that month."""
    h = read(d, "production_hours", ["advisor_id", "campaign_id", "work_date", "logged_seconds"])
    h["month"] = h.work_date.str[:7]
    h["hours"] = h.logged_seconds.astype(int) / 3600
    c = read(d, "contacts", ["advisor_id", "campaign_id", "started_at", "outcome"])
    c["month"] = c.started_at.str[:7]
    c = c[c.outcome.isin(outcomes)] if outcomes else c[c.outcome != "no_answer"]
    keys = ["advisor_id", "campaign_id", "month"]
    p = h.groupby(keys).hours.sum().to_frame().join(c.groupby(keys).size().rename("y")).fillna(0).reset_index()
    tr = read(d, "trainings")
    tr = tr[tr.programme == CR_PROGRAMME].set_index("advisor_id").trained_on.str[:7]
    hired = read(d, "advisors").set_index("advisor_id").hired_on.str[:7]
    p["trained_month"] = p.advisor_id.map(tr).fillna("9999-99")
    p = p[p.month != p.trained_month]  # the training month is neither before nor after
    p["after"] = p.month > p.trained_month
    p["since_training"] = _month_no(p.month) - _month_no(p.trained_month)
    p["tenure_months"] = _month_no(p.month) - _month_no(p.advisor_id.map(hired))
    return p[p.hours > 0]


def _month_no(ym: pd.Series) -> np.ndarray:
    return ym.str[:4].astype(int).to_numpy() * 12 + ym.str[5:7].astype(int).to_numpy()


def _adjusted_lift(p: pd.DataFrame, iters: int = 300) -> float:
    """Poisson model y ~ hours x advisor level x campaign-month level x (1 + lift)^after:
    trained advisors after training against not-yet / never trained in the same months."""
    y, e, d = p.y.to_numpy(float), p.hours.to_numpy(float), p.after.to_numpy()
    ai = pd.factorize(p.advisor_id + p.campaign_id)[0]
    ti = pd.factorize(p.campaign_id + p.month)[0]
    a, g, theta = np.ones(ai.max() + 1), np.ones(ti.max() + 1), 1.0
    for _ in range(iters):
        f = np.where(d, theta, 1.0)
        a = np.bincount(ai, y) / np.maximum(np.bincount(ai, e * g[ti] * f), 1e-12)
        g = np.bincount(ti, y) / np.maximum(np.bincount(ti, e * a[ai] * f), 1e-12)
        theta = y[d].sum() / (e * a[ai] * g[ti])[d].sum()
    return theta - 1


def _naive_before_after(p: pd.DataFrame) -> float:
    """Trained advisors, 6 months after vs 6 months before the training month (ratio of sums)."""
    p = p[p.trained_month != "9999-99"]
    k = p.since_training
    pre, post = p[(k >= -6) & (k <= -1)], p[(k >= 1) & (k <= 6)]
    return (post.y.sum() / post.hours.sum()) / (pre.y.sum() / pre.hours.sum()) - 1


def test_injected_effect_is_recovered_against_untrained_advisors(tmp_path):
    generate(tmp_path, seed=3, scenario="effect_10_confounded", size=0.5, months=12,
             uniform_effect_indicators=("contacts_per_hour",))
    truth = json.loads((tmp_path / "_truth" / "truth.json").read_text(encoding="utf-8"))
    assert [eff["contacts_per_hour"] for eff in truth["effects"].values()] == pytest.approx([0.10] * 12)
    p = _panel(tmp_path, None)
    stable = p[p.tenure_months >= 4]
    assert _adjusted_lift(stable) == pytest.approx(0.10, abs=0.03)


def test_no_effect_naive_gain_is_spurious(tmp_path):
    generate(tmp_path, seed=1, scenario="no_effect", size=0.5, months=24)
    p = _panel(tmp_path, {"sale", "appointment"})
    naive = _naive_before_after(p)
    adjusted = _adjusted_lift(p[p.tenure_months >= 4])
    assert naive > 0.02, "confounders should make the plain before/after look like a gain"
    assert abs(adjusted) < 0.04
    assert naive > adjusted + 0.02


# ---------------------------------------------------------------------------------------
# follow-up indicators: the truth counts the follow-ups the generator could not place
# ---------------------------------------------------------------------------------------
def test_expected_fcr_and_repeat_count_only_placed_follow_ups():
    """Hand-worked: customer service, u48 = 0.20, u7 = 0.08, 80 % of the within-48 h follow-ups
    and 90 % of the 48 h - 7 d ones placed. FCR = 1 - 0.8 x 0.20 = 0.84; repeat = 0.8 x 0.20 +
    0.9 x 0.08 = 0.232. Training +10 % on FCR planned: u48 -> 1 - 0.8 x 1.1 = 0.12, so FCR ->
    1 - 0.8 x 0.12 = 0.904: +7.62 %, not +10 %."""
    from dagster_project.sample_data import model as M

    base = dict(M.KIND_PARAMS[M.K_CS], u48=0.20, u7=0.08, amt=1.0, aht=1.0, cancel_F=0.3)
    q0 = M.clip(M.apply_effects(base, {}), M.K_CS)
    q1 = M.clip(M.apply_effects(base, {"fcr_d2_rate": 0.10}), M.K_CS)
    v0 = M.expected_indicators(M.K_CS, q0, 0.12, placed=(0.8, 0.9))
    v1 = M.expected_indicators(M.K_CS, q1, 0.12, placed=(0.8, 0.9))
    assert v0["fcr_d2_rate"] == pytest.approx(0.84)
    assert v0["repeat_contact_rate"] == pytest.approx(0.232)
    assert v1["fcr_d2_rate"] == pytest.approx(0.904)
    assert v1["fcr_d2_rate"] / v0["fcr_d2_rate"] - 1 == pytest.approx(0.904 / 0.84 - 1)
    every = M.expected_indicators(M.K_CS, q0, 0.12)  # default: every follow-up placed
    assert every["fcr_d2_rate"] == pytest.approx(0.80) and every["repeat_contact_rate"] == pytest.approx(0.28)


def test_fcr_truth_matches_the_realised_lift(tmp_path):
    """truth.json's fcr_d2_rate effect is the lift of the indicator as docs/indicators.md
    defines it, worked out here from the contacts alone: no next contact of the customer on the
    campaign within 48 h elapsed (customer service: every contact is inbound; pandas, not the
    warehouse), last 3 days left out (not mature),
    trained advisors after their training month against not-yet / never trained advisors of the
    same campaign-months (Poisson model of _adjusted_lift, resolved contacts over identified
    contacts). The planned +10 % is not what the data carry: 7-17 % of the follow-ups planned
    within 48 h find no free later contact in their window (nights, closed days), so the lift is
    about +8.5 %.

    Tolerance 0.8 pp: over seeds 1-8 of this setting the estimate minus the truth was
    -0.16 pp on average (advisors' u48 vary around the base value the truth is computed at)
    with a standard deviation of 0.25 pp; the old truth (the planned +10 %) was off by -1.2 to
    -1.9 pp."""
    generate(tmp_path, seed=5, scenario="effect_5", size=1.0, months=24, fmt="parquet", uniform_effect=0.10,
             uniform_effect_indicators=("fcr_d2_rate",), adoption_dependence=0.0)
    truth = json.loads((tmp_path / "_truth" / "truth.json").read_text(encoding="utf-8"))
    camps = ("C08", "C09", "C10")  # customer service: every contact inbound, u48 0.20-0.25
    with duckdb.connect() as con:
        c = con.execute(
            "select campaign_id, advisor_id, customer_id, started_at from read_parquet(?) "
            "where customer_id <> '' and campaign_id in ('C08', 'C09', 'C10')",
            [str(tmp_path / "contacts" / "*.parquet")]).df()
        tr = con.execute("select advisor_id, trained_on from read_parquet(?) where programme = ?",
                         [str(tmp_path / "trainings" / "*.parquet"), CR_PROGRAMME]).df()
    c["t"] = pd.to_datetime(c.started_at, utc=True, format="ISO8601")
    c = c.sort_values(["campaign_id", "customer_id", "t"], kind="stable")
    following = c.groupby(["campaign_id", "customer_id"]).t.shift(-1)
    c["resolved"] = ~(following <= c.t + pd.Timedelta(hours=48))
    c = c[c.t <= c.t.max() - pd.Timedelta(days=3)]
    c["month"] = c.started_at.str[:7]  # local month
    # _adjusted_lift's names: y = resolved contacts, hours = its exposure (identified contacts)
    p = (c.groupby(["advisor_id", "campaign_id", "month"])
         .agg(y=("resolved", "sum"), hours=("resolved", "size")).reset_index())
    p["trained_month"] = p.advisor_id.map(tr.set_index("advisor_id").trained_on.str[:7]).fillna("9999-99")
    p = p[p.month != p.trained_month]
    p["after"] = p.month > p.trained_month
    realised = _adjusted_lift(p)

    weight = p[p.after].groupby("campaign_id").hours.sum()
    true = sum(weight[k] * truth["effects"][k]["fcr_d2_rate"] for k in camps) / weight.sum()
    for k in camps:
        placed = truth["campaigns"][k]["follow_ups_placed"]["trained_within_48h"]
        assert 0.75 < placed < 0.97
        assert truth["effects"][k]["fcr_d2_rate"] < 0.10 - 0.005  # the planned +10 %, attenuated
    assert realised == pytest.approx(true, abs=0.008)
