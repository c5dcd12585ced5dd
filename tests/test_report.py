"""The report: rendered by its Dagster asset from the demo warehouse (conftest.demo_run, the
nightly job on the demo data), read in headless Chromium, and checked against the
warehouse's analysis.impact_headline; the Excel workbook; the CLI; formatting and wording.

Chromium: /usr/bin/chromium (or `chromium` on PATH). Without it the browser test is skipped;
nothing is installed here.
"""

from __future__ import annotations

import base64
import html
import html.parser
import logging
import os
import re
import shutil
import subprocess
import warnings
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dagster_project.report import HEADLINE_IDS, build, format_headline_value, labels
from dagster_project.report.data import ReportData, resolve_source
from dagster_project.report.tables import split_flags, translate_flags, translate_reason

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def chromium_binary() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium") or shutil.which("chromium-browser")


# ------------------------------------------------------------------------------------------
# The demo warehouse, with its control charts, and the report asset's output
# ------------------------------------------------------------------------------------------
def _has_table(path: Path, schema: str, table: str) -> bool:
    with duckdb.connect(str(path), read_only=True) as con:
        return bool(con.execute("select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
                                [schema, table]).fetchone()[0])


@pytest.fixture(scope="module")
def rendered(demo_run, tmp_path_factory):
    """Materialise report/html_report (fr + en) from the demo run, into a temporary folder.

    Until the nightly job includes analysis/control_charts, it is materialised here first and
    the copy is published to a temporary path (the demo run's published copy is left alone).
    """
    import dagster as dg

    from dagster_project.assets.analysis import AnalysisConfig
    from dagster_project.assets.report import control_charts, html_report
    from dagster_project.publish import publish
    from dagster_project.resources import WarehouseResource

    tmp = tmp_path_factory.mktemp("report")
    resources = {"warehouse": WarehouseResource(warehouse_path=str(demo_run.warehouse), landing_dir=str(demo_run.landing)),
                 "analysis_settings": AnalysisConfig()}
    published = demo_run.published
    if not _has_table(published, "analysis", "control_charts"):
        if not _has_table(demo_run.warehouse, "analysis", "control_charts"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert dg.materialize([control_charts], resources=resources).success
        published = tmp / "published.duckdb"
        publish(demo_run.warehouse, published)
    env = {"PUBLISHED_PATH": str(published), "REPORT_DIR": str(tmp / "reports")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = dg.materialize([html_report], resources=resources)
    finally:
        for k, v in old.items():
            os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert result.success
    (mat,) = result.get_asset_materialization_events()
    metadata = {k: v.value for k, v in mat.materialization.metadata.items()}
    return {"dir": tmp / "reports", "published": published, "warehouse": demo_run.warehouse, "metadata": metadata, "tmp": tmp}


def warehouse_headline(path: Path) -> pd.Series:
    with duckdb.connect(str(path), read_only=True) as con:
        df = con.execute("select * from analysis.impact_headline where level = 'overall'").df()
    assert len(df) == 1
    return df.iloc[0]


class IdText(html.parser.HTMLParser):
    """Text content of every element with an id (nested elements included)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str | None, str]] = []
        self.text: dict[str, str] = {}
        self.imgs: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        if tag in ("img", "br", "meta", "link", "input", "hr"):
            return
        self.stack.append((a.get("id"), tag))
        if a.get("id"):
            self.text.setdefault(a["id"], "")

    def handle_endtag(self, tag):
        while self.stack:
            _, t = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        for ident, _ in self.stack:
            if ident:
                self.text[ident] += data


def parse(page: str) -> IdText:
    p = IdText()
    p.feed(page)
    return p


# ------------------------------------------------------------------------------------------
# Proof: headless Chromium shows the warehouse's headline numbers
# ------------------------------------------------------------------------------------------
@pytest.mark.skipif(chromium_binary() is None, reason="chromium is not installed (apt-get install -y chromium)")
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_in_headless_chromium_shows_the_warehouse_headline(rendered, lang, tmp_path):
    page = rendered["dir"] / f"training_impact_{lang}.html"
    shot = tmp_path / f"report_{lang}.png"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
             "--hide-scrollbars", "--window-size=1280,2000"]
    url = page.resolve().as_uri()
    proc = subprocess.run([chromium_binary(), *flags, f"--screenshot={shot}", url], capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == PNG_MAGIC and len(data) > 20_000
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 2000)
    if lang == "fr":  # kept for a human look (path printed with -s)
        keep = rendered["tmp"] / "report_fr_screenshot.png"
        shutil.copy(shot, keep)
        print(f"screenshot: {keep}")

    dom = subprocess.run([chromium_binary(), *flags, "--dump-dom", url], capture_output=True, text=True, timeout=180)
    assert dom.returncode == 0, dom.stderr[-2000:]
    shown = parse(dom.stdout)
    row = warehouse_headline(rendered["warehouse"])
    for ident, (cols, kind) in HEADLINE_IDS.items():
        expected = format_headline_value(row, cols, kind, lang)
        assert shown.text.get(ident, "").strip() == expected, (ident, shown.text.get(ident), expected)
    # the numbers are real numbers, not placeholders
    assert re.fullmatch(r"[+-]\d+[.,]\d%", shown.text["hl-adjusted-mean"].replace("\u00a0", ""))
    assert shown.text["hl-adjusted-ci"].startswith("[")
    assert int(shown.text["hl-adjusted-n"]) == int(row["adjusted_n_campaigns"]) > 0
    verdict = shown.text["verdict"]
    assert ("Ce que les données permettent de dire" if lang == "fr" else "What the data can and cannot support") in verdict
    # every chart is an embedded PNG
    assert shown.imgs and all(src.startswith("data:image/png;base64,") for src in shown.imgs)


# ------------------------------------------------------------------------------------------
# The asset, the HTML file and the workbook
# ------------------------------------------------------------------------------------------
def test_asset_metadata_carries_the_headline(rendered):
    md, row = rendered["metadata"], warehouse_headline(rendered["warehouse"])
    for col in ("plain_mean_improvement", "adjusted_mean_improvement", "adjusted_mean_ci_low", "adjusted_mean_ci_high",
                "plain_n_campaigns", "adjusted_n_campaigns"):
        assert md[col] == pytest.approx(float(row[col]))
    assert md["read_published_copy"] is True
    assert Path(md["html_fr"]).exists() and Path(md["excel_en"]).exists()
    assert "adjusted" in md["headline"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_html_is_self_contained_and_in_its_language(rendered, lang):
    page = (rendered["dir"] / f"training_impact_{lang}.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}">' in page
    # no network: no external stylesheet, script, image or font
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "<script" not in page
    p = parse(page)
    assert len(p.imgs) >= 10
    for src in p.imgs:
        assert base64.b64decode(src.split(",", 1)[1])[:8] == PNG_MAGIC
    # section ids and indicator labels from the registry, in the language
    for sid in ("headline", "forest", "event", "adopters", "control", "selection", "caveats", "method"):
        assert sid in p.text
    from dagster_project.indicators import by_code

    ind = by_code()["sales_or_appointments_per_hour"]
    assert ind.label(lang) in page
    other = ind.label("en" if lang == "fr" else "fr")
    assert other not in page
    assert html.escape(labels.t("sec_caveats", lang)) in page
    # the caveats: exclusion counts and the events inside windows
    assert "E005" in p.text["events"]
    assert re.search(r"\d", p.text["excluded"])


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_workbook_has_the_same_tables_in_the_same_language(rendered, lang):
    from openpyxl import load_workbook

    wb = load_workbook(rendered["dir"] / f"training_impact_{lang}.xlsx", read_only=True)
    names = wb.sheetnames
    assert names == [labels.SHEETS[k][lang] for k in labels.SHEETS]
    ws = wb[labels.SHEETS["headline"][lang]]
    rows = list(ws.iter_rows(values_only=True))
    header, values = rows[0], rows[1]
    row = warehouse_headline(rendered["warehouse"])
    got = dict(zip(header, values))
    assert got[f"{labels.t('adjusted', lang)} · {labels.t('mean_improvement', lang)}"] == pytest.approx(row["adjusted_mean_improvement"])
    assert got[f"{labels.t('plain', lang)} · {labels.t('mean_improvement', lang)}"] == pytest.approx(row["plain_mean_improvement"])
    cc = list(wb[labels.SHEETS["control"][lang]].iter_rows(values_only=True))
    assert len(cc) > 100 and cc[0][0] == labels.t("campaign", lang)
    impact = list(wb[labels.SHEETS["impact"][lang]].iter_rows(values_only=True))
    with duckdb.connect(str(rendered["published"]), read_only=True) as con:
        n = con.execute("select count(*) from analysis.training_impact where level = 'campaign'").fetchone()[0]
    assert len(impact) - 1 == n


def test_cli_writes_both_files_and_reads_the_published_copy(rendered, tmp_path, monkeypatch, capsys):
    from dagster_project.report.__main__ import main

    monkeypatch.setenv("REPORT_LANG", "en")
    assert main(["--out", str(tmp_path), "--source", str(rendered["published"])]) == 0
    out = capsys.readouterr().out
    assert (tmp_path / "training_impact_en.html").exists() and (tmp_path / "training_impact_en.xlsx").exists()
    assert not (tmp_path / "training_impact_fr.html").exists()
    row = warehouse_headline(rendered["warehouse"])
    assert format_headline_value(row, "adjusted_mean_improvement", "pct", "en") in out


def test_falls_back_to_the_warehouse_with_a_warning(rendered, tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("WAREHOUSE_PATH", str(rendered["warehouse"]))
    monkeypatch.setenv("PUBLISHED_PATH", str(tmp_path / "absent.duckdb"))
    with caplog.at_level(logging.WARNING):
        path, published = resolve_source()
    assert path == Path(rendered["warehouse"]).resolve() and not published
    assert "Published copy" in caplog.text
    monkeypatch.setenv("PUBLISHED_PATH", str(rendered["published"]))
    assert resolve_source() == (Path(rendered["published"]).resolve(), True)


# ------------------------------------------------------------------------------------------
# Formatting and wording (no warehouse)
# ------------------------------------------------------------------------------------------
def test_number_formats_per_language():
    assert labels.fmt_pct(0.1034, "en") == "+10.3%"
    assert labels.fmt_pct(0.1034, "fr") == "+10,3\u00a0%"
    assert labels.fmt_pct(-0.009, "fr") == "-0,9\u00a0%"
    assert labels.fmt_ci(0.062, 0.110, "en") == "[+6.2%, +11.0%]"
    assert labels.fmt_ci(0.062, 0.110, "fr") == "[+6,2\u00a0%\u00a0; +11,0\u00a0%]"
    assert labels.fmt_number(12345.678, "en", 1) == "12,345.7"
    assert labels.fmt_number(12345.678, "fr", 1) == "12\u202f345,7"
    assert labels.fmt_pct(None, "fr") == labels.fmt_pct(float("nan"), "en") == labels.fmt_pct(pd.NA, "en") == "–"
    assert labels.fmt_value(0.812, "share", "fr") == "81,2\u00a0%"
    assert labels.fmt_value(float("nan"), "eur", "en") == "–"


def test_default_language(monkeypatch):
    monkeypatch.delenv("REPORT_LANG", raising=False)
    assert labels.default_lang() == "fr"
    monkeypatch.setenv("REPORT_LANG", "EN")
    assert labels.default_lang() == "en"
    monkeypatch.setenv("REPORT_LANG", "de")
    assert labels.default_lang() == "fr"


def test_every_text_exists_in_both_languages():
    for key, value in labels.TEXT.items():
        assert set(value) == {"fr", "en"}, key
        assert sorted(re.findall(r"{(\w+)}", value["fr"])) == sorted(re.findall(r"{(\w+)}", value["en"])), key


def test_reasons_and_flags_in_french():
    assert translate_reason("mean adoption score 58.2 <= 60: not in the headline", "fr") == \
        "score d'adoption moyen 58,2 ≤ 60 : hors du chiffre clé"
    assert translate_reason("no stable trained advisor; something new", "fr") == "aucun conseiller formé stable ; something new"
    assert translate_reason("no stable trained advisor", "en") == "no stable trained advisor"
    assert split_flags("pretrend_failed;event_in_window(outage;price_change)") == [
        ("pretrend_failed", []), ("event_in_window", ["outage", "price_change"])]
    assert translate_flags("insufficient_data;event_in_window(outage)", "fr") == \
        "données insuffisantes ; événement dans la fenêtre (panne)"


def _data(overall: dict | None, campaigns: list[dict] | None = None) -> ReportData:
    from dagster_project import analysis

    rows = ([{"level": "overall", **overall}] if overall else []) + [{"level": "campaign", **c} for c in (campaigns or [])]
    head = pd.DataFrame(rows, columns=list(analysis.TABLES["impact_headline"]))
    tables = {n: pd.DataFrame(columns=list(analysis.TABLES[n])) for n in analysis.TABLES}
    tables["impact_headline"] = head
    return ReportData(Path("x.duckdb"), True, tables, pd.DataFrame(columns=["campaign_id", "campaign_name"]),
                      pd.DataFrame(columns=["event_id", "campaign_id", "starts_on", "ends_on", "kind", "description"]),
                      pd.DataFrame(columns=["table_name", "check_stage", "reason", "rows"]), (None, None))


def test_headline_sentences_say_what_the_data_supports():
    base = dict(n_campaigns_eligible=6, plain_n_campaigns=6, plain_mean_improvement=0.12, adjusted_n_campaigns=6,
                adjusted_min_improvement=0.06, improvement_threshold=0.05)
    camps = [dict(campaign_id=f"C{i}", well_assimilated=True, adjusted_improvement=0.06 + 0.01 * i) for i in range(6)]
    s = build.headline_sentences(_data({**base, "adjusted_mean_improvement": 0.08, "adjusted_mean_ci_low": 0.05,
                                        "adjusted_mean_ci_high": 0.11}, camps), "en")
    assert s[0].startswith("The data support an improvement") and "+8.0%" in s[0]
    assert "remains compatible" in s[1] and "Every adjusted campaign is at +5% or more" in s[2]
    s = build.headline_sentences(_data({**base, "adjusted_mean_improvement": 0.01, "adjusted_mean_ci_low": -0.02,
                                        "adjusted_mean_ci_high": 0.04}, camps), "fr")
    assert s[0].startswith("Les données ne permettent pas de distinguer") and "n'est pas soutenu" in s[1]
    s = build.headline_sentences(_data({**base, "adjusted_mean_improvement": 0.15, "adjusted_mean_ci_low": 0.12,
                                        "adjusted_mean_ci_high": 0.18, "adjusted_n_campaigns": 3}, camps[:2] + [
        dict(campaign_id="C9", well_assimilated=True, adjusted_improvement=0.01)]), "en")
    assert "likely above +10%" in s[1] and "1 of 3 campaign(s) are below" in s[2]
    assert any("only 3 campaign(s)" in x for x in s)
    assert build.headline_sentences(_data({**base, "n_campaigns_eligible": 0}), "en") == [labels.t("s_none", "en")]
    assert build.headline_sentences(_data(None), "fr") == [labels.t("s_none", "fr")]
    assert build.headline_sentences(_data({**base, "adjusted_n_campaigns": 0}), "en")[0] == labels.t("s_no_adjusted", "en")


def test_an_empty_warehouse_still_renders():
    r = build.render_html(_data(None), "en")
    p = parse(r.html)
    assert p.text["hl-adjusted-mean"] == "–" and labels.t("s_none", "en") in p.text["verdict"]
    assert labels.t("empty", "en") in r.html
