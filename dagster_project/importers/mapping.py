"""Declarative source mappings (`mappings/<source>.yml`): loading and validation.

The format is documented for users in docs/importing.md; this module is its reference
implementation. Every error names the YAML key at fault, so a user can fix a mapping
without reading code.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from dagster_project.importers import contract

COLUMN_TYPES = ("string", "integer", "decimal", "date", "time", "datetime", "duration")
AMBIGUOUS_RULES = ("earlier", "later", "quarantine")
NONEXISTENT_RULES = ("shift_forward", "quarantine")
ADVISOR_ID_METHODS = ("hash", "slug")
NAME_NORMALISATIONS = ("upper", "none")


class MappingError(ValueError):
    """The mapping file is invalid; the message names the key at fault."""


@dataclass(frozen=True)
class ColumnSpec:
    source: str  # column name in the source file
    name: str  # name used in the rest of the mapping (`as`, default: the source name)
    type: str
    format: str | None = None
    required: bool = False
    null_values: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    decimal_separator: str = "."


@dataclass(frozen=True)
class InputSpec:
    glob: str
    encoding: str = "utf-8"
    delimiter: str = ","
    quotechar: str | None = '"'
    header: bool = True
    names: tuple[str, ...] | None = None
    skip_lines: int = 0


@dataclass(frozen=True)
class CountAs:
    """Rows with this value are counted under `category`, credited to nobody, not written."""

    category: str


@dataclass(frozen=True)
class StartedAtSpec:
    datetime: str | None = None
    date: str | None = None
    time: tuple[str, ...] = ()
    next_day_if_before: str | None = None
    next_day_threshold_hours: float = 12.0


@dataclass(frozen=True)
class ValueFrom:
    """A constant, or a column (optionally through a value map)."""

    constant: Any = None
    column: str | None = None
    map: dict[str, str] | None = None


@dataclass(frozen=True)
class ContactsSpec:
    contact_id: str  # template, e.g. "{vru_line}-{call_id}"
    key_fields: tuple[str, ...]
    started_at: StartedAtSpec
    direction: ValueFrom
    customer_id: str | None
    talk_seconds: ValueFrom
    hold_seconds: ValueFrom
    wrap_seconds: ValueFrom
    outcome_column: str
    outcome_map: dict[str, str | CountAs]


@dataclass(frozen=True)
class AdvisorsSpec:
    column: str
    missing: str | CountAs  # "keep" | "quarantine" | CountAs
    id_method: str = "hash"
    id_prefix: str = ""
    id_length: int = 8
    id_salt: str = ""
    normalize: str = "upper"
    team_id: str = ""
    site: str = ""
    hired_on: str = "first_seen"  # "first_seen" | "" | ISO date
    left_on: str = ""
    write_name_key: bool = False


@dataclass(frozen=True)
class CampaignValue:
    campaign_id: str
    attributes: dict[str, str]


@dataclass(frozen=True)
class CampaignsSpec:
    column: str
    values: dict[str, CampaignValue]


@dataclass(frozen=True)
class ProductionHoursSpec:
    method: str = "sessions"  # "sessions" | "none"
    session_gap_minutes: float = 30.0
    max_hours_per_day: float = 12.0


@dataclass(frozen=True)
class PlaceboSpec:
    seed: int
    trained_on: dt.date
    programme: str = "placebo"
    share: float = 0.5


@dataclass(frozen=True)
class TrainingsSpec:
    file: Path
    placebo: PlaceboSpec | None = None


@dataclass(frozen=True)
class Mapping:
    path: Path
    source: str
    description: str
    input: InputSpec
    timezone: str
    ambiguous_times: str
    nonexistent_times: str
    columns: tuple[ColumnSpec, ...]
    contacts: ContactsSpec
    advisors: AdvisorsSpec
    campaigns: CampaignsSpec
    production_hours: ProductionHoursSpec
    trainings: TrainingsSpec | None = None
    column_by_name: dict[str, ColumnSpec] = field(default_factory=dict)

    def col(self, name: str) -> ColumnSpec:
        return self.column_by_name[name]


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------

_MISSING = object()


def _get(d: dict, key: str, where: str, default: Any = _MISSING, types: tuple[type, ...] | type | None = None):
    if not isinstance(d, dict):
        raise MappingError(f"{where}: expected a mapping (key: value), got {type(d).__name__}")
    if key not in d or d[key] is None and default is not _MISSING:
        if default is _MISSING:
            raise MappingError(f"{where}.{key}: required key is missing")
        return default
    value = d[key]
    if types is not None and not isinstance(value, types):
        names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
        raise MappingError(f"{where}.{key}: expected {names}, got {value!r}")
    return value


def _check_keys(d: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(d) - allowed)
    if unknown:
        raise MappingError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(allowed)}")


def _choice(value: str, choices: tuple[str, ...], where: str) -> str:
    if value not in choices:
        raise MappingError(f"{where}: {value!r} is not one of {list(choices)}")
    return value


def _count_as(value: Any, where: str) -> CountAs | None:
    if isinstance(value, dict):
        _check_keys(value, {"count_as"}, where)
        category = _get(value, "count_as", where, types=str)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", category):
            raise MappingError(f"{where}.count_as: category {category!r} must be snake_case")
        if category == "contact":
            raise MappingError(f"{where}.count_as: 'contact' is reserved")
        return CountAs(category)
    return None


def _template_fields(template: str, where: str) -> tuple[str, ...]:
    import string

    fields = []
    try:
        for _literal, name, spec, conv in string.Formatter().parse(template):
            if name is None:
                continue
            if not name or spec or conv:
                raise MappingError(
                    f"{where}: use plain {{column}} placeholders, got {{{name}{':' + spec if spec else ''}}}"
                )
            fields.append(name)
    except ValueError as e:
        raise MappingError(f"{where}: invalid template {template!r}: {e}") from e
    if not fields:
        raise MappingError(f"{where}: template {template!r} names no column")
    return tuple(fields)


# --------------------------------------------------------------------------------------
# sections
# --------------------------------------------------------------------------------------


def _input(d: dict) -> InputSpec:
    w = "input"
    _check_keys(d, {"glob", "encoding", "delimiter", "quotechar", "header", "names", "skip_lines"}, w)
    encoding = _get(d, "encoding", w, "utf-8", str)
    import codecs

    try:
        codecs.lookup(encoding)
    except LookupError as e:
        raise MappingError(f"{w}.encoding: unknown encoding {encoding!r}") from e
    delimiter = _get(d, "delimiter", w, ",", str)
    if len(delimiter) != 1:
        raise MappingError(f'{w}.delimiter: must be one character (use "\\t" for TAB), got {delimiter!r}')
    quotechar = d.get("quotechar", '"')
    if quotechar is not None and (not isinstance(quotechar, str) or len(quotechar) != 1):
        raise MappingError(f"{w}.quotechar: one character or null, got {quotechar!r}")
    header = _get(d, "header", w, True, bool)
    names = d.get("names")
    if not header and not names:
        raise MappingError(f"{w}.names: required when header is false (column names by position)")
    if names is not None and (not isinstance(names, list) or not all(isinstance(n, str) for n in names)):
        raise MappingError(f"{w}.names: expected a list of column names")
    skip = _get(d, "skip_lines", w, 0, int)
    if skip < 0:
        raise MappingError(f"{w}.skip_lines: must be >= 0")
    return InputSpec(
        glob=_get(d, "glob", w, types=str),
        encoding=encoding,
        delimiter=delimiter,
        quotechar=quotechar,
        header=header,
        names=tuple(names) if names else None,
        skip_lines=skip,
    )


def _columns(d: dict) -> tuple[ColumnSpec, ...]:
    if not isinstance(d, dict) or not d:
        raise MappingError("columns: expected a non-empty mapping of source column -> spec")
    specs, seen = [], set()
    for source, spec in d.items():
        w = f"columns.{source}"
        spec = spec or {}
        _check_keys(spec, {"as", "type", "format", "required", "null_values", "min", "max", "decimal_separator"}, w)
        name = _get(spec, "as", w, str(source), str)
        if name in seen:
            raise MappingError(f"{w}.as: name {name!r} is used twice")
        seen.add(name)
        typ = _choice(_get(spec, "type", w, "string", str), COLUMN_TYPES, f"{w}.type")
        fmt = spec.get("format")
        if typ in ("date", "time", "datetime") and not fmt:
            raise MappingError(f"{w}.format: required for type {typ} (strftime codes, e.g. %d/%m/%Y)")
        if typ == "duration" and fmt not in (None, "seconds", "[h:]mm:ss"):
            raise MappingError(f"{w}.format: duration format is 'seconds' or '[h:]mm:ss', got {fmt!r}")
        nulls = spec.get("null_values", [])
        if not isinstance(nulls, list):
            raise MappingError(f"{w}.null_values: expected a list of strings")
        specs.append(
            ColumnSpec(
                source=str(source),
                name=name,
                type=typ,
                format=fmt,
                required=_get(spec, "required", w, False, bool),
                null_values=tuple(str(v) for v in nulls),
                min=spec.get("min"),
                max=spec.get("max"),
                decimal_separator=_get(spec, "decimal_separator", w, ".", str),
            )
        )
    return tuple(specs)


def _value_from(value: Any, where: str, by_name: dict[str, ColumnSpec], kind: str) -> ValueFrom:
    """kind: 'int' (integer constant or column) or 'str' (string constant or {column, map})."""
    if kind == "int":
        if isinstance(value, bool):
            raise MappingError(f"{where}: expected an integer constant or a column name")
        if isinstance(value, int):
            if value < 0:
                raise MappingError(f"{where}: must be >= 0")
            return ValueFrom(constant=value)
        if isinstance(value, str):
            _need_column(value, by_name, where, ("integer", "duration", "decimal"))
            return ValueFrom(column=value)
        raise MappingError(f"{where}: expected an integer constant or a column name, got {value!r}")
    if isinstance(value, str):
        return ValueFrom(constant=value)
    if isinstance(value, dict):
        _check_keys(value, {"column", "map"}, where)
        column = _get(value, "column", where, types=str)
        _need_column(column, by_name, f"{where}.column")
        vmap = _get(value, "map", where, None, dict)
        return ValueFrom(column=column, map={str(k): str(v) for k, v in vmap.items()} if vmap else None)
    raise MappingError(f"{where}: expected a constant or {{column: ..., map: ...}}, got {value!r}")


def _need_column(
    name: str, by_name: dict[str, ColumnSpec], where: str, types: tuple[str, ...] | None = None
) -> ColumnSpec:
    if name not in by_name:
        raise MappingError(f"{where}: {name!r} is not a column declared under `columns` (use its `as` name)")
    spec = by_name[name]
    if types and spec.type not in types:
        raise MappingError(f"{where}: column {name!r} has type {spec.type}; expected one of {list(types)}")
    return spec


def _contacts(d: dict, by_name: dict[str, ColumnSpec]) -> ContactsSpec:
    w = "contacts"
    _check_keys(
        d,
        {
            "contact_id",
            "started_at",
            "direction",
            "customer_id",
            "talk_seconds",
            "hold_seconds",
            "wrap_seconds",
            "outcome",
        },
        w,
    )
    template = _get(d, "contact_id", w, types=str)
    key_fields = _template_fields(template, f"{w}.contact_id")
    for f in key_fields:
        _need_column(f, by_name, f"{w}.contact_id")

    s = _get(d, "started_at", w, types=dict)
    ws = f"{w}.started_at"
    _check_keys(s, {"datetime", "date", "time", "next_day_if_before", "next_day_threshold_hours"}, ws)
    if "datetime" in s:
        if "date" in s or "time" in s:
            raise MappingError(f"{ws}: give either `datetime` or `date` + `time`, not both")
        _need_column(s["datetime"], by_name, f"{ws}.datetime", ("datetime",))
        started = StartedAtSpec(datetime=s["datetime"])
    else:
        date_col = _get(s, "date", ws, types=str)
        _need_column(date_col, by_name, f"{ws}.date", ("date",))
        times = _get(s, "time", ws, types=(str, list))
        times = [times] if isinstance(times, str) else times
        for t in times:
            _need_column(t, by_name, f"{ws}.time", ("time",))
        anchor = s.get("next_day_if_before")
        if anchor is not None:
            _need_column(anchor, by_name, f"{ws}.next_day_if_before", ("time",))
        started = StartedAtSpec(
            date=date_col,
            time=tuple(times),
            next_day_if_before=anchor,
            next_day_threshold_hours=float(_get(s, "next_day_threshold_hours", ws, 12, (int, float))),
        )

    direction = _value_from(_get(d, "direction", w), f"{w}.direction", by_name, "str")
    allowed_dir = contract.accepted("contacts", "direction")
    for v in [direction.constant] if direction.column is None else list((direction.map or {}).values()):
        if v not in allowed_dir:
            raise MappingError(f"{w}.direction: {v!r} is not an accepted direction {list(allowed_dir)}")
    if direction.column is not None and not direction.map:
        raise MappingError(f"{w}.direction.map: required when direction comes from a column")

    customer = d.get("customer_id")
    if customer is not None:
        _need_column(customer, by_name, f"{w}.customer_id")

    o = _get(d, "outcome", w, types=dict)
    wo = f"{w}.outcome"
    _check_keys(o, {"column", "map"}, wo)
    ocol = _get(o, "column", wo, types=str)
    _need_column(ocol, by_name, f"{wo}.column")
    omap_raw = _get(o, "map", wo, types=dict)
    allowed_out = contract.accepted("contacts", "outcome")
    omap: dict[str, str | CountAs] = {}
    for k, v in omap_raw.items():
        where = f"{wo}.map.{k}"
        ca = _count_as(v, where)
        if ca is not None:
            omap[str(k)] = ca
        elif isinstance(v, str) and v in allowed_out:
            omap[str(k)] = v
        else:
            raise MappingError(
                f"{where}: {v!r} is neither an accepted outcome {list(allowed_out)} nor {{count_as: category}}"
            )

    return ContactsSpec(
        contact_id=template,
        key_fields=key_fields,
        started_at=started,
        direction=direction,
        customer_id=customer,
        talk_seconds=_value_from(_get(d, "talk_seconds", w, 0), f"{w}.talk_seconds", by_name, "int"),
        hold_seconds=_value_from(_get(d, "hold_seconds", w, 0), f"{w}.hold_seconds", by_name, "int"),
        wrap_seconds=_value_from(_get(d, "wrap_seconds", w, 0), f"{w}.wrap_seconds", by_name, "int"),
        outcome_column=ocol,
        outcome_map=omap,
    )


def _date_or_rule(value: Any, where: str, rules: tuple[str, ...]) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    value = str(value)
    if value in rules or value == "":
        return value
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise MappingError(
            f"{where}: expected {' | '.join(repr(r) for r in rules)}, an ISO date or empty, got {value!r}"
        ) from e


def _advisors(d: dict, by_name: dict[str, ColumnSpec]) -> AdvisorsSpec:
    w = "advisors"
    _check_keys(d, {"column", "missing", "id", "team_id", "site", "hired_on", "left_on", "write_name_key"}, w)
    column = _get(d, "column", w, types=str)
    _need_column(column, by_name, f"{w}.column")
    missing_raw = _get(d, "missing", w, "quarantine")
    missing = _count_as(missing_raw, f"{w}.missing") or _choice(
        str(missing_raw), ("keep", "quarantine"), f"{w}.missing"
    )
    ident = _get(d, "id", w, {}, dict)
    wi = f"{w}.id"
    _check_keys(ident, {"method", "prefix", "length", "salt", "normalize"}, wi)
    length = _get(ident, "length", wi, 8, int)
    if not 6 <= length <= 64:
        raise MappingError(f"{wi}.length: between 6 and 64")
    return AdvisorsSpec(
        column=column,
        missing=missing,
        id_method=_choice(_get(ident, "method", wi, "hash", str), ADVISOR_ID_METHODS, f"{wi}.method"),
        id_prefix=str(_get(ident, "prefix", wi, "")),
        id_length=length,
        id_salt=str(_get(ident, "salt", wi, "")),
        normalize=_choice(_get(ident, "normalize", wi, "upper", str), NAME_NORMALISATIONS, f"{wi}.normalize"),
        team_id=str(_get(d, "team_id", w, "")),
        site=str(_get(d, "site", w, "")),
        hired_on=_date_or_rule(d.get("hired_on", "first_seen"), f"{w}.hired_on", ("first_seen",)),
        left_on=_date_or_rule(d.get("left_on", ""), f"{w}.left_on", ()),
        write_name_key=_get(d, "write_name_key", w, False, bool),
    )


CAMPAIGN_ATTRS = (
    "campaign_name",
    "client",
    "kind",
    "timezone",
    "started_on",
    "ended_on",
    "primary_indicators",
    "withdrawal_window_days",
    "survival_window_days",
)


def _campaign_attrs(d: dict, where: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for k in CAMPAIGN_ATTRS:
        if k not in d or d[k] is None:
            continue
        v = d[k]
        if k in ("started_on", "ended_on"):
            out[k] = _date_or_rule(v, f"{where}.{k}", ("first_seen", "last_seen"))
        elif k == "primary_indicators":
            codes = v if isinstance(v, list) else [c.strip() for c in str(v).split(";") if c.strip()]
            from dagster_project.indicators import by_code

            unknown = [c for c in codes if c not in by_code()]
            if unknown:
                raise MappingError(
                    f"{where}.primary_indicators: {unknown} not in the indicator registry (dbt/dbt_project.yml)"
                )
            out[k] = ";".join(codes)
        elif k == "kind":
            out[k] = _choice(str(v), contract.accepted("campaigns", "kind"), f"{where}.kind")
        elif k in ("withdrawal_window_days", "survival_window_days"):
            out[k] = _choice(str(v), contract.accepted("campaigns", k), f"{where}.{k}")
        elif k == "timezone":
            out[k] = _timezone(str(v), f"{where}.timezone")
        else:
            out[k] = str(v)
    return out


def _campaigns(d: dict, by_name: dict[str, ColumnSpec], timezone: str) -> CampaignsSpec:
    w = "campaigns"
    _check_keys(d, {"column", "defaults", "values"}, w)
    column = _get(d, "column", w, types=str)
    _need_column(column, by_name, f"{w}.column")
    defaults_raw = _get(d, "defaults", w, {}, dict)
    _check_keys(defaults_raw, set(CAMPAIGN_ATTRS), f"{w}.defaults")
    defaults = {"timezone": timezone, "started_on": "first_seen", "ended_on": ""}
    defaults.update(_campaign_attrs(defaults_raw, f"{w}.defaults"))
    values_raw = _get(d, "values", w, types=dict)
    values, ids = {}, set()
    for key, spec in values_raw.items():
        wv = f"{w}.values.{key}"
        if not isinstance(spec, dict):
            raise MappingError(f"{wv}: expected {{campaign_id: ..., kind: ..., ...}}")
        _check_keys(spec, {"campaign_id", *CAMPAIGN_ATTRS}, wv)
        cid = _get(spec, "campaign_id", wv, types=str)
        attrs = dict(defaults)
        attrs.update(_campaign_attrs(spec, wv))
        if "kind" not in attrs:
            raise MappingError(f"{wv}.kind: required (here or under {w}.defaults)")
        # one campaign id may gather several source values; their attributes must agree
        if cid in ids:
            other = next(v for v in values.values() if v.campaign_id == cid)
            if other.attributes != attrs:
                raise MappingError(f"{wv}: campaign_id {cid!r} is used by another value with different attributes")
        ids.add(cid)
        values[str(key)] = CampaignValue(campaign_id=cid, attributes=attrs)
    return CampaignsSpec(column=column, values=values)


def _timezone(name: str, where: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise MappingError(f"{where}: {name!r} is not an IANA time zone (e.g. Europe/Paris)") from e
    return name


def _production_hours(d: dict) -> ProductionHoursSpec:
    w = "production_hours"
    _check_keys(d, {"method", "session_gap_minutes", "max_hours_per_day"}, w)
    spec = ProductionHoursSpec(
        method=_choice(_get(d, "method", w, "sessions", str), ("sessions", "none"), f"{w}.method"),
        session_gap_minutes=float(_get(d, "session_gap_minutes", w, 30, (int, float))),
        max_hours_per_day=float(_get(d, "max_hours_per_day", w, 12, (int, float))),
    )
    if not 0 < spec.max_hours_per_day <= 24:
        raise MappingError(f"{w}.max_hours_per_day: between 0 and 24")
    if spec.session_gap_minutes < 0:
        raise MappingError(f"{w}.session_gap_minutes: must be >= 0")
    return spec


def _trainings(d: dict, base: Path) -> TrainingsSpec:
    w = "trainings"
    _check_keys(d, {"file", "placebo"}, w)
    file = base / _get(d, "file", w, types=str)
    placebo = None
    if d.get("placebo") is not None:
        p = d["placebo"]
        wp = f"{w}.placebo"
        _check_keys(p, {"seed", "trained_on", "programme", "share"}, wp)
        trained_on = _get(p, "trained_on", wp)
        try:
            trained_on = trained_on if isinstance(trained_on, dt.date) else dt.date.fromisoformat(str(trained_on))
        except ValueError as e:
            raise MappingError(f"{wp}.trained_on: expected an ISO date") from e
        share = float(_get(p, "share", wp, 0.5, (int, float)))
        if not 0 < share < 1:
            raise MappingError(f"{wp}.share: between 0 and 1 (exclusive)")
        placebo = PlaceboSpec(
            seed=_get(p, "seed", wp, types=int),
            trained_on=trained_on,
            programme=str(_get(p, "programme", wp, "placebo")),
            share=share,
        )
    return TrainingsSpec(file=file, placebo=placebo)


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path).resolve()
    try:
        with open(path, encoding="utf-8") as f:
            d = yaml.safe_load(f)
    except FileNotFoundError as e:
        raise MappingError(f"mapping file not found: {path}") from e
    except yaml.YAMLError as e:
        raise MappingError(f"{path.name}: not valid YAML: {e}") from e
    if not isinstance(d, dict):
        raise MappingError(f"{path.name}: expected a YAML mapping at the top level")
    _check_keys(
        d,
        {
            "source",
            "description",
            "input",
            "timezone",
            "ambiguous_times",
            "nonexistent_times",
            "columns",
            "contacts",
            "advisors",
            "campaigns",
            "production_hours",
            "trainings",
        },
        "(top level)",
    )
    source = _get(d, "source", "(top level)", types=str)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", source):
        raise MappingError(f"source: {source!r} must be a file-name-safe identifier (letters, digits, _ . -)")
    columns = _columns(_get(d, "columns", "(top level)", types=dict))
    by_name = {c.name: c for c in columns}
    timezone = _timezone(_get(d, "timezone", "(top level)", types=str), "timezone")
    return Mapping(
        path=path,
        source=source,
        description=str(d.get("description") or ""),
        input=_input(_get(d, "input", "(top level)", types=dict)),
        timezone=timezone,
        ambiguous_times=_choice(
            _get(d, "ambiguous_times", "(top level)", "earlier", str), AMBIGUOUS_RULES, "ambiguous_times"
        ),
        nonexistent_times=_choice(
            _get(d, "nonexistent_times", "(top level)", "shift_forward", str), NONEXISTENT_RULES, "nonexistent_times"
        ),
        columns=columns,
        contacts=_contacts(_get(d, "contacts", "(top level)", types=dict), by_name),
        advisors=_advisors(_get(d, "advisors", "(top level)", types=dict), by_name),
        campaigns=_campaigns(_get(d, "campaigns", "(top level)", types=dict), by_name, timezone),
        production_hours=_production_hours(_get(d, "production_hours", "(top level)", {}, dict)),
        trainings=_trainings(d["trainings"], path.parent) if d.get("trainings") else None,
        column_by_name=by_name,
    )
