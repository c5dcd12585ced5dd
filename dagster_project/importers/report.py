"""What an import did, as numbers: printed by the CLI, returned to the Dagster asset."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class FileCount:
    file: str
    rows_read: int
    blank_lines: int
    contacts: int
    quarantined: int


@dataclass
class ImportReport:
    source: str
    mapping: str
    input_dir: str
    files: list[FileCount]
    rows_read: int  # data records (header and blank lines excluded)
    blank_lines: int
    contacts_written: int
    counted: dict[str, int]  # rows counted under a category, credited to no advisor, not written as contacts
    quarantined: dict[str, int]  # reason -> rows
    advisors: int
    campaigns: int
    production_hours_rows: int
    logged_hours: float
    capped_days: int
    zero_hour_days: int
    ambiguous_times: int  # resolved by the mapping's rule (not quarantined)
    nonexistent_times: int  # resolved by the mapping's rule (not quarantined)
    trainings_written: int
    trainings_unknown_advisors: int
    contacts_by_outcome: dict[str, int] = field(default_factory=dict)
    contacts_by_campaign: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def quarantined_total(self) -> int:
        return sum(self.quarantined.values())

    @property
    def counted_total(self) -> int:
        return sum(self.counted.values())

    def check(self) -> None:
        """Every data row is a contact, a counted row or a quarantined row: nothing vanishes."""
        accounted = self.contacts_written + self.counted_total + self.quarantined_total
        if accounted != self.rows_read:
            raise AssertionError(
                f"{self.source}: {self.rows_read} rows read but {accounted} accounted for "
                f"({self.contacts_written} contacts + {self.counted_total} counted"
                f" + {self.quarantined_total} quarantined)"
            )

    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    def format(self) -> str:
        w = max(len(f.file) for f in self.files) if self.files else 4
        lines = [f"import {self.source}  (mapping {self.mapping}, input {self.input_dir})"]
        for f in self.files:
            lines.append(
                f"  {f.file:<{w}}  {f.rows_read:>8,} rows  {f.contacts:>8,} contacts  {f.quarantined:>6,} quarantined"
                + (f"  {f.blank_lines} blank line(s)" if f.blank_lines else "")
            )

        def row(label: str, value: int, extra: str = "") -> None:
            lines.append(f"{label:<38}{value:>10,}{extra}")

        row("rows read", self.rows_read)
        row("contacts written", self.contacts_written)
        for k, v in self.contacts_by_outcome.items():
            row(f"  outcome {k}", v)
        row("counted (not contacts, no advisor)", self.counted_total)
        for k, v in self.counted.items():
            row(f"  {k}", v)
        row(
            "quarantined",
            self.quarantined_total,
            f"  -> {self.outputs.get('_quarantine', '_quarantine/')}" if self.quarantined else "",
        )
        for k, v in self.quarantined.items():
            row(f"  reason {k}", v)
        row("advisors", self.advisors)
        row("campaigns", self.campaigns)
        row(
            "production hours rows",
            self.production_hours_rows,
            f"  = {self.logged_hours:,.2f} h ({self.capped_days} day(s) capped, {self.zero_hour_days} day(s) of 0 s)",
        )
        if self.ambiguous_times or self.nonexistent_times:
            row("DST: ambiguous local times resolved", self.ambiguous_times)
            row("DST: nonexistent local times resolved", self.nonexistent_times)
        if self.trainings_written:
            extra = (
                f"  ({self.trainings_unknown_advisors} for advisors absent from this import)"
                if self.trainings_unknown_advisors
                else ""
            )
            row("trainings", self.trainings_written, extra)
        if self.blank_lines:
            row("blank lines skipped", self.blank_lines)
        return "\n".join(lines)
