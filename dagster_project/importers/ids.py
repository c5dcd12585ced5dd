"""Stable advisor ids from agent names.

The id depends only on the (normalised) name and the mapping's salt and prefix, never on
which other agents or months are in the import: the same agent gets the same id in every
file, month and re-run, and a new month cannot shift anybody's id.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pandas as pd

from dagster_project.importers.mapping import AdvisorsSpec, MappingError


def normalize_names(names: pd.Series, how: str) -> pd.Series:
    """NFC, inner whitespace collapsed, stripped; upper-cased unless `how` is 'none'."""
    s = names.astype(object).map(lambda v: unicodedata.normalize("NFC", v) if isinstance(v, str) else v)
    s = s.str.replace(r"\s+", " ", regex=True).str.strip()
    if how == "upper":
        s = s.str.upper()
    return s.where(s.notna() & (s != ""), None)


def advisor_id(name: str, spec: AdvisorsSpec) -> str:
    """The id of one normalised name (see normalize_names)."""
    if spec.id_method == "hash":
        digest = hashlib.sha256(f"{spec.id_salt}:{name}".encode()).hexdigest()
        return spec.id_prefix + digest[: spec.id_length]
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return spec.id_prefix + (re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "unnamed")


def advisor_ids(names: pd.Series, spec: AdvisorsSpec) -> pd.Series:
    """Vectorised over the distinct names; refuses two names that would share an id."""
    distinct = sorted(names.dropna().unique())
    ids = {n: advisor_id(n, spec) for n in distinct}
    seen: dict[str, str] = {}
    for n, i in ids.items():
        if i in seen:
            raise MappingError(
                f"advisors.id: names {seen[i]!r} and {n!r} both give id {i!r}; "
                + ("increase advisors.id.length" if spec.id_method == "hash" else "use method: hash")
            )
        seen[i] = n
    return names.map(ids, na_action="ignore")
