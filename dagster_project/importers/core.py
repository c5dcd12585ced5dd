"""The generic importer: source files + mapping -> landing contract tables.

Pipeline (all vectorised pandas; see docs/importing.md for the user-facing rules):
read -> type columns -> derive (started_at, campaign, outcome, advisor, ids) -> localise
-> quarantine rows with an error (first error per row) -> classify the rest as contacts or
counted categories -> build contacts, campaigns, advisors, production_hours, trainings.

Every data row ends in exactly one of: a contact, a counted category, the quarantine;
`ImportReport.check()` enforces it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dagster_project.importers import contract
from dagster_project.importers.ids import advisor_ids, normalize_names
from dagster_project.importers.mapping import CountAs, Mapping, MappingError, load_mapping
from dagster_project.importers.parse import Errors, parse_column, quoted
from dagster_project.importers.reader import REJECT_COLUMNS, read_file
from dagster_project.importers.report import FileCount, ImportReport
from dagster_project.importers.timestamps import localize, next_day_if_before
from dagster_project.settings import PROJECT_ROOT

CONTRACT_TABLES = ("campaigns", "advisors", "contacts", "production_hours", "trainings")
QUARANTINE_COLUMNS = ["file", "line", "column", "reason", "detail", "raw_line"]
SUMMARY_COLUMNS = ["file", "local_date", "campaign_id", "category", "rows"]


@dataclass
class ImportResult:
    mapping: Mapping
    tables: dict[str, pd.DataFrame]  # contract tables, contract column order, text values
    quarantine: pd.DataFrame
    summary: pd.DataFrame
    name_key: pd.DataFrame | None
    report: ImportReport


def _fmt_date(s: pd.Series) -> pd.Series:
    return s.dt.strftime("%Y-%m-%d").astype(object).where(s.notna(), "")


def _display_path(p: Path) -> str:
    """Project-relative when inside the project (keeps the report identical across checkouts)."""
    try:
        return p.resolve().relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return p.as_posix()


def _source_files(mapping: Mapping, input_dir: Path) -> list[tuple[Path, str]]:
    if not input_dir.is_dir():
        raise MappingError(f"input folder not found: {input_dir}")
    files = sorted(p for p in input_dir.glob(mapping.input.glob) if p.is_file())
    if not files:
        raise MappingError(f"no file in {input_dir} matches input.glob {mapping.input.glob!r}")
    return [(p, p.relative_to(input_dir).as_posix()) for p in files]


def _value(
    vf, typed: dict[str, pd.Series], text: dict[str, pd.Series], n: int, errors: Errors, mapping: Mapping, what: str
):
    """Resolve a ValueFrom: constant, typed column, or mapped column text."""
    if vf.column is None:
        return pd.Series([vf.constant] * n, dtype=object)
    if vf.map is None:
        return typed[vf.column]
    t = text[vf.column]
    out = t.map(vf.map)
    bad = (t.notna() & out.isna()).to_numpy()
    errors.add(
        bad,
        mapping.col(vf.column).source,
        "unmapped_value",
        quoted(t, f" not under contacts.{what}.map"),
    )
    return out


def run_import(mapping: Mapping, input_dir: str | Path, include_trainings: bool = True) -> ImportResult:
    input_dir = Path(input_dir).resolve()
    m = mapping
    needed = [c.source for c in m.columns]

    # ---- read ------------------------------------------------------------------------
    reads = [read_file(p, name, m.input, needed) for p, name in _source_files(m, input_dir)]
    df = pd.concat([r.records for r in reads], ignore_index=True)
    rejects = pd.concat(
        [r.rejects for r in reads if len(r.rejects)] or [pd.DataFrame(columns=REJECT_COLUMNS)], ignore_index=True
    )
    n = len(df)
    errors = Errors(n)

    # ---- type columns ----------------------------------------------------------------
    typed: dict[str, pd.Series] = {}
    text: dict[str, pd.Series] = {}
    for spec in m.columns:
        typed[spec.name], text[spec.name] = parse_column(df[spec.source], spec, errors)

    # ---- started_at (naive local wall clock) ----------------------------------------------
    sa = m.contacts.started_at
    if sa.datetime:
        naive = typed[sa.datetime]
        errors.add(naive.isna().to_numpy(), m.col(sa.datetime).source, "missing_value", "no start timestamp")
    else:
        time = typed[sa.time[0]]
        for extra in sa.time[1:]:
            time = time.fillna(typed[extra])
        anchor = typed[sa.next_day_if_before] if sa.next_day_if_before else None
        naive = next_day_if_before(typed[sa.date], time, anchor, sa.next_day_threshold_hours)
        errors.add(typed[sa.date].isna().to_numpy(), m.col(sa.date).source, "missing_value", "no date")
        errors.add(time.isna().to_numpy(), "|".join(m.col(t).source for t in sa.time), "missing_value", "no start time")

    # ---- campaign ----------------------------------------------------------------------
    ctext = text[m.campaigns.column]
    cmap = {k: v.campaign_id for k, v in m.campaigns.values.items()}
    campaign_id = ctext.map(cmap)
    errors.add(
        (ctext.notna() & campaign_id.isna()).to_numpy(),
        m.col(m.campaigns.column).source,
        "unmapped_value",
        quoted(ctext, " not under campaigns.values"),
    )
    errors.add(ctext.isna().to_numpy(), m.col(m.campaigns.column).source, "missing_value", "no campaign value")

    # ---- outcome / counted category ---------------------------------------------------------
    otext = text[m.contacts.outcome_column]
    outcome = otext.map({k: v for k, v in m.contacts.outcome_map.items() if isinstance(v, str)})
    counted = otext.map({k: v.category for k, v in m.contacts.outcome_map.items() if isinstance(v, CountAs)})
    ocol = m.col(m.contacts.outcome_column).source
    errors.add(otext.isna().to_numpy(), ocol, "missing_value", "no disposition")
    errors.add(
        (otext.notna() & outcome.isna() & counted.isna()).to_numpy(),
        ocol,
        "unmapped_value",
        quoted(otext, " not under contacts.outcome.map"),
    )

    # ---- advisor -----------------------------------------------------------------------------
    adv = m.advisors
    names = normalize_names(text[adv.column], adv.normalize)
    no_agent = (outcome.notna() & names.isna()).to_numpy()
    if isinstance(adv.missing, CountAs):
        counted = counted.where(~no_agent, adv.missing.category)
        outcome = outcome.where(~no_agent, None)
    elif adv.missing == "quarantine":
        errors.add(no_agent, m.col(adv.column).source, "missing_value", "a contact outcome without an advisor")
    # names of rows that are not contacts are not credited (e.g. an abandoned call with a name)
    names = names.where(outcome.notna(), None)
    advisor = advisor_ids(names, adv)

    # ---- other contact fields -------------------------------------------------------------
    direction = _value(m.contacts.direction, typed, text, n, errors, m, "direction")
    secs = {}
    for what in ("talk_seconds", "hold_seconds", "wrap_seconds"):
        secs[what] = pd.array(_value(getattr(m.contacts, what), typed, text, n, errors, m, what), dtype="Int64")
    customer = text[m.contacts.customer_id] if m.contacts.customer_id else pd.Series([None] * n, dtype=object)

    key_parts = m.contacts.key_fields
    for f in key_parts:
        errors.add(text[f].isna().to_numpy(), m.col(f).source, "missing_value", "part of contacts.contact_id is empty")

    contact_id = pd.Series([""] * n, dtype=object)
    for literal, field, _spec, _conv in string.Formatter().parse(m.contacts.contact_id):
        contact_id = contact_id + literal
        if field is not None:
            contact_id = contact_id + text[field].fillna("").astype(object)

    # ---- local time -> ISO with offset --------------------------------------------------------
    loc = localize(naive.where(~errors.has), m.timezone, m.ambiguous_times, m.nonexistent_times)
    if m.ambiguous_times == "quarantine":
        errors.add(loc.ambiguous, "started_at", "ambiguous_time", "wall-clock time occurs twice (clocks went back)")
    if m.nonexistent_times == "quarantine":
        errors.add(loc.nonexistent, "started_at", "nonexistent_time", "wall-clock time skipped (clocks went forward)")

    # ---- duplicate natural keys (first in file order wins) ------------------------------------------
    ok = ~errors.has
    keyed = pd.DataFrame({"id": contact_id, "ok": ok, "file": df["_file"], "line": df["_line"]})
    okrows = keyed[ok]
    dup = okrows.duplicated("id", keep="first")
    if dup.any():
        first = okrows[~dup].set_index("id")
        d = okrows[dup]
        detail = (
            "contact_id "
            + d["id"]
            + " first seen in "
            + d["id"].map(first["file"])
            + " line "
            + d["id"].map(first["line"]).astype(str)
        )
        mask = np.zeros(n, dtype=bool)
        mask[d.index.to_numpy()] = True
        det = pd.Series("", index=keyed.index, dtype=object)
        det[d.index] = detail
        errors.add(mask, "|".join(m.col(f).source for f in key_parts), "duplicate_key", det.to_numpy())
    ok = ~errors.has

    # ---- quarantine ---------------------------------------------------------------------------
    q_rows = pd.DataFrame(
        {
            "file": df["_file"][~ok],
            "line": df["_line"][~ok],
            "column": errors.column[~ok],
            "reason": errors.reason[~ok],
            "detail": errors.detail[~ok],
            "raw_line": df["_raw"][~ok],
        }
    )
    q_rej = rejects.rename(columns={"_file": "file", "_line": "line", "_raw": "raw_line"})[QUARANTINE_COLUMNS]
    quarantine = pd.concat(
        [q for q in (q_rows, q_rej) if len(q)] or [pd.DataFrame(columns=QUARANTINE_COLUMNS)], ignore_index=True
    )
    quarantine = quarantine.sort_values(["file", "line"], kind="stable").reset_index(drop=True)

    # ---- classify valid rows --------------------------------------------------------------------
    is_contact = ok & outcome.notna().to_numpy()
    category = pd.Series(np.where(is_contact, "contact", counted.fillna("").to_numpy()), dtype=object)
    local_date = loc.local.dt.normalize()

    v = pd.DataFrame(
        {
            "file": df["_file"],
            "local_date": _fmt_date(local_date),
            "campaign_id": campaign_id,
            "category": category,
        }
    )[ok]
    summary = (
        v.groupby(["file", "local_date", "campaign_id", "category"], sort=True).size().rename("rows").reset_index()
        if len(v)
        else pd.DataFrame(columns=SUMMARY_COLUMNS)
    )

    # ---- contacts ---------------------------------------------------------------------------------
    c = pd.DataFrame(
        {
            "contact_id": contact_id,
            "campaign_id": campaign_id,
            "advisor_id": advisor.fillna(""),
            "customer_id": customer.fillna(""),
            "started_at": loc.iso,
            "direction": direction,
            "talk_seconds": secs["talk_seconds"],
            "hold_seconds": secs["hold_seconds"],
            "wrap_seconds": secs["wrap_seconds"],
            "outcome": outcome,
        }
    )[is_contact]
    local_c = loc.local[is_contact]
    utc_c = loc.utc[is_contact]
    contacts = c[list(contract.columns("contacts"))].reset_index(drop=True)

    # ---- campaigns ----------------------------------------------------------------------------------
    by_campaign = (
        pd.DataFrame({"campaign_id": campaign_id[ok], "d": local_date[ok]})
        .groupby("campaign_id")["d"]
        .agg(["min", "max"])
    )
    attrs_by_id = {cv.campaign_id: cv.attributes for cv in m.campaigns.values.values()}
    rows = []
    for cid in sorted(by_campaign.index):
        a = dict(attrs_by_id[cid])
        first, last = by_campaign.loc[cid, "min"].date().isoformat(), by_campaign.loc[cid, "max"].date().isoformat()
        for k in ("started_on", "ended_on"):
            a[k] = {"first_seen": first, "last_seen": last}.get(a.get(k, ""), a.get(k, ""))
        rows.append({"campaign_id": cid, **a})
    campaigns = pd.DataFrame(rows, columns=list(contract.columns("campaigns")), dtype=object).fillna("")

    # ---- advisors --------------------------------------------------------------------------------------
    a = pd.DataFrame({"advisor_id": contacts["advisor_id"].to_numpy(), "d": local_c.dt.normalize().to_numpy()})
    a = a[a["advisor_id"] != ""]
    first_seen = a.groupby("advisor_id")["d"].min().sort_index()
    advisors = pd.DataFrame(
        {
            "advisor_id": first_seen.index,
            "team_id": adv.team_id,
            "site": adv.site,
            "hired_on": _fmt_date(first_seen).to_numpy() if adv.hired_on == "first_seen" else adv.hired_on,
            "left_on": adv.left_on,
        }
    )[list(contract.columns("advisors"))]

    name_key = None
    if adv.write_name_key:
        nk = pd.DataFrame({"advisor_id": advisor[is_contact], "source_name": names[is_contact]}).dropna()
        name_key = nk.drop_duplicates().sort_values(["advisor_id", "source_name"]).reset_index(drop=True)

    # ---- production hours -----------------------------------------------------------------------------------
    busy = (
        contacts["talk_seconds"].fillna(0).astype("int64")
        + contacts["hold_seconds"].fillna(0).astype("int64")
        + contacts["wrap_seconds"].fillna(0).astype("int64")
    ).to_numpy()
    ph, ph_stats = production_hours(
        contacts["advisor_id"].to_numpy(),
        contacts["campaign_id"].to_numpy(),
        local_c.to_numpy(),
        utc_c.to_numpy(),
        busy,
        m,
    )

    # ---- trainings ---------------------------------------------------------------------------------------------
    trainings = None
    unknown_trained = 0
    if include_trainings and m.trainings is not None:
        trainings = read_trainings(m.trainings.file)
        unknown_trained = int((~trainings["advisor_id"].isin(advisors["advisor_id"])).sum())

    tables = {"campaigns": campaigns, "advisors": advisors, "contacts": contacts, "production_hours": ph}
    if trainings is not None:
        tables["trainings"] = trainings

    counted_counts = summary[summary["category"] != "contact"].groupby("category")["rows"].sum()
    report = ImportReport(
        source=m.source,
        mapping=_display_path(m.path),
        input_dir=_display_path(input_dir),
        files=[
            FileCount(
                file=r.name,
                rows_read=r.rows_read,
                blank_lines=r.blank_lines,
                contacts=int(
                    summary.loc[(summary["file"] == r.name) & (summary["category"] == "contact"), "rows"].sum()
                ),
                quarantined=int((quarantine["file"] == r.name).sum()),
            )
            for r in reads
        ],
        rows_read=sum(r.rows_read for r in reads),
        blank_lines=sum(r.blank_lines for r in reads),
        contacts_written=len(contacts),
        counted={k: int(v) for k, v in counted_counts.sort_index().items()},
        quarantined={k: int(v) for k, v in quarantine["reason"].value_counts().sort_index().items()},
        advisors=len(advisors),
        campaigns=len(campaigns),
        production_hours_rows=len(ph),
        logged_hours=round(ph_stats["logged_seconds"] / 3600, 2),
        capped_days=ph_stats["capped_days"],
        zero_hour_days=ph_stats["zero_hour_days"],
        ambiguous_times=int((loc.ambiguous & ok).sum()) if m.ambiguous_times != "quarantine" else 0,
        nonexistent_times=int((loc.nonexistent & ok).sum()) if m.nonexistent_times != "quarantine" else 0,
        trainings_written=0 if trainings is None else len(trainings),
        trainings_unknown_advisors=unknown_trained,
        contacts_by_outcome={k: int(v) for k, v in contacts["outcome"].value_counts().sort_index().items()},
        contacts_by_campaign={k: int(v) for k, v in contacts["campaign_id"].value_counts().sort_index().items()},
    )
    report.check()
    return ImportResult(
        mapping=m, tables=tables, quarantine=quarantine, summary=summary, name_key=name_key, report=report
    )


def production_hours(
    advisor: np.ndarray,
    campaign: np.ndarray,
    local_start: np.ndarray,
    utc_start: np.ndarray,
    busy: np.ndarray,
    m: Mapping,
):
    """Logged seconds per advisor x campaign x local work date, derived from the contacts.

    Rule `sessions` (docs/importing.md): per advisor and local day (the start date of each
    service), services are sorted by start; a session runs from a service start to the
    latest end seen so far, and a new session starts when the next service begins more than
    `session_gap_minutes` after that end (spans and gaps in real elapsed time, so a DST
    change inside a session neither adds nor removes an hour). The day's logged time is the sum of its sessions'
    spans (first start -> last end), capped at `max_hours_per_day`; it is then split across
    the day's campaigns in proportion to their handle seconds (contact counts when the day
    has no handle time), with integer seconds that add up exactly (largest remainder).
    """
    cols = list(contract.columns("production_hours"))
    stats = {"logged_seconds": 0, "capped_days": 0, "zero_hour_days": 0}
    if m.production_hours.method == "none" or len(advisor) == 0:
        return pd.DataFrame(columns=cols), stats
    spec = m.production_hours
    c = pd.DataFrame({"advisor_id": advisor, "campaign_id": campaign, "start": pd.to_datetime(utc_start), "busy": busy})
    c["work_date"] = pd.to_datetime(local_start).normalize()
    c = c[c["advisor_id"] != ""]
    c["end"] = c["start"] + pd.to_timedelta(c["busy"], unit="s")
    c = c.sort_values(["advisor_id", "work_date", "start", "end", "campaign_id"], kind="stable").reset_index(drop=True)
    day_keys = [c["advisor_id"], c["work_date"]]
    run_end = c.groupby(day_keys, sort=False)["end"].cummax()
    prev_end = run_end.groupby(day_keys, sort=False).shift()
    new_session = prev_end.isna() | ((c["start"] - prev_end) > pd.Timedelta(minutes=spec.session_gap_minutes))
    c["session"] = new_session.cumsum()
    s = c.groupby("session").agg(
        advisor_id=("advisor_id", "first"), work_date=("work_date", "first"), start=("start", "min"), end=("end", "max")
    )
    s["secs"] = ((s["end"] - s["start"]) // pd.Timedelta(seconds=1)).astype("int64")
    day = s.groupby(["advisor_id", "work_date"])["secs"].sum()
    cap = int(min(spec.max_hours_per_day * 3600, 86400))
    stats["capped_days"] = int((day > cap).sum())
    day = day.clip(upper=cap)
    stats["zero_hour_days"] = int((day == 0).sum())

    w = (
        c.groupby(["advisor_id", "work_date", "campaign_id"])
        .agg(busy=("busy", "sum"), n=("busy", "size"))
        .reset_index()
    )
    day_busy = w.groupby(["advisor_id", "work_date"])["busy"].transform("sum")
    w["weight"] = np.where(day_busy > 0, w["busy"], w["n"]).astype("int64")
    w["wsum"] = w.groupby(["advisor_id", "work_date"])["weight"].transform("sum")
    w["total"] = pd.MultiIndex.from_frame(w[["advisor_id", "work_date"]]).map(day).astype("int64")
    num = w["total"] * w["weight"]
    w["base"] = num // w["wsum"]
    w["frac"] = num % w["wsum"]
    w["rem"] = w["total"] - w.groupby(["advisor_id", "work_date"])["base"].transform("sum")
    w = w.sort_values(
        ["advisor_id", "work_date", "frac", "campaign_id"], ascending=[True, True, False, True], kind="stable"
    )
    w["rank"] = w.groupby(["advisor_id", "work_date"]).cumcount()
    w["logged_seconds"] = w["base"] + (w["rank"] < w["rem"]).astype("int64")
    stats["logged_seconds"] = int(w["logged_seconds"].sum())
    out = w.sort_values(["advisor_id", "campaign_id", "work_date"], kind="stable")
    out = out.assign(work_date=_fmt_date(out["work_date"]))[cols].reset_index(drop=True)
    return out, stats


def read_trainings(path: Path) -> pd.DataFrame:
    cols = list(contract.columns("trainings"))
    if not path.is_file():
        raise MappingError(f"trainings.file not found: {path}")
    t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in cols if c not in t.columns]
    if missing:
        raise MappingError(f"trainings.file {path.name}: missing column(s) {missing}")
    t = t[cols]
    bad_date = pd.to_datetime(t["trained_on"], format="%Y-%m-%d", errors="coerce").isna()
    empty = (t["advisor_id"] == "") | (t["programme"] == "")
    if (bad_date | empty).any():
        line = int(np.flatnonzero((bad_date | empty).to_numpy())[0]) + 2
        raise MappingError(
            f"trainings.file {path.name} line {line}: empty advisor_id/programme or trained_on not YYYY-MM-DD"
        )
    return t.sort_values(cols, kind="stable").reset_index(drop=True)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    df.to_csv(tmp, index=False, lineterminator="\n", encoding="utf-8", na_rep="")
    tmp.replace(path)


def write_outputs(result: ImportResult, out_dir: str | Path) -> dict[str, str]:
    """Write `<out>/<table>/<source>.csv` per contract table, plus `_quarantine/` and
    `_summary/`. Files of this source for tables not produced this time are removed, so the
    output always reflects the last import only."""
    out = Path(out_dir).resolve()
    src = result.mapping.source
    written = {}
    for table in CONTRACT_TABLES:
        path = out / table / f"{src}.csv"
        if table in result.tables:
            _write_csv(result.tables[table], path)
            written[table] = str(path)
        elif path.exists():
            path.unlink()
    _write_csv(result.quarantine, out / "_quarantine" / f"{src}.csv")
    written["_quarantine"] = str(out / "_quarantine" / f"{src}.csv")
    _write_csv(result.summary[SUMMARY_COLUMNS], out / "_summary" / f"{src}.csv")
    written["_summary"] = str(out / "_summary" / f"{src}.csv")
    key_path = out / "_summary" / f"{src}_advisor_names.csv"
    if result.name_key is not None:
        _write_csv(result.name_key, key_path)
        written["_advisor_names"] = str(key_path)
    elif key_path.exists():
        key_path.unlink()
    result.report.outputs = {k: str(Path(v).relative_to(out)) for k, v in written.items()}
    report_path = out / "_summary" / f"{src}_report.json"
    report_path.write_text(result.report.to_json(), encoding="utf-8")
    return written


def import_source(mapping_path: str | Path, input_dir: str | Path, out_dir: str | Path) -> ImportReport:
    """Import every file of `input_dir` matching the mapping into landing CSVs under `out_dir`."""
    result = run_import(load_mapping(mapping_path), input_dir)
    write_outputs(result, out_dir)
    return result.report
