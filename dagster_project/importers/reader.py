"""Reading source files into text records with file and line numbers.

Splitting uses Python's C `csv` reader (quotes, embedded delimiters); everything after that
is vectorised pandas. A record that does not have the header's number of fields, or a line
that cannot be decoded with the mapping's encoding, becomes a quarantine row, never a
silent drop.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dagster_project.importers.mapping import InputSpec, MappingError


@dataclass
class FileRead:
    name: str  # path relative to the input folder, forward slashes
    records: pd.DataFrame  # one row per well-formed record: _file, _line, _raw + source columns (text)
    rejects: pd.DataFrame  # _file, _line, column, reason, detail, _raw
    blank_lines: int
    rows_read: int  # data records seen (well-formed or not), header and blank lines excluded


REJECT_COLUMNS = ["_file", "_line", "column", "reason", "detail", "_raw"]


def _decode(data: bytes, encoding: str) -> tuple[str, dict[int, str]]:
    """Decoded text; lines that fail to decode are blanked and returned by line number."""
    try:
        return data.decode(encoding), {}
    except UnicodeDecodeError:
        pass
    bad: dict[int, str] = {}
    lines = data.split(b"\n")
    out = []
    for i, line in enumerate(lines, start=1):
        try:
            out.append(line.decode(encoding))
        except UnicodeDecodeError:
            bad[i] = line.rstrip(b"\r").decode(encoding, errors="replace")
            out.append("")
    return "\n".join(out), bad


def read_file(path: Path, name: str, spec: InputSpec, needed: list[str]) -> FileRead:
    text, bad_lines = _decode(path.read_bytes(), spec.encoding)
    if spec.header and (spec.skip_lines + 1) in bad_lines:
        raise MappingError(f"{name}: the header line cannot be decoded as {spec.encoding!r}; check input.encoding")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")

    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=spec.delimiter,
        quotechar=spec.quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if spec.quotechar else csv.QUOTE_NONE,
        strict=False,
    )
    records: list[list[str]] = []
    ends: list[int] = []
    starts: list[int] = []
    prev_end = 0
    try:
        for rec in reader:
            end = reader.line_num
            starts.append(prev_end + 1)
            ends.append(end)
            records.append(rec)
            prev_end = end
    except csv.Error as e:  # e.g. a NUL byte; report where it stopped, loudly
        raise MappingError(
            f"{name}: cannot split line {prev_end + 1} with the mapping's delimiter/quotechar: {e}"
        ) from e

    skip = spec.skip_lines
    header: list[str] | None = None
    data_idx: list[int] = []
    blank = 0
    for i, rec in enumerate(records):
        if ends[i] <= skip:
            continue
        is_blank = not rec or (len(rec) == 1 and rec[0].strip() == "")
        if is_blank:
            if starts[i] not in bad_lines:
                blank += 1
            continue
        if spec.header and header is None:
            header = [h.strip() for h in rec]
            continue
        data_idx.append(i)

    if spec.header:
        if header is None:
            header = []
        if len(set(header)) != len(header):
            raise MappingError(f"{name}: the header has duplicate column names: {header}")
    else:
        header = list(spec.names or ())
    missing = [c for c in needed if c not in header]
    if missing and (data_idx or header):
        raise MappingError(
            f"{name}: column(s) {missing} named in the mapping are not in the file's header {header}"
            if spec.header
            else f"{name}: column(s) {missing} are not in input.names"
        )

    width = len(header)
    ok = [i for i in data_idx if len(records[i]) == width]
    bad = [i for i in data_idx if len(records[i]) != width]

    def raw(i: int) -> str:
        return "\n".join(line.rstrip("\r") for line in lines[starts[i] - 1 : ends[i]])

    df = pd.DataFrame([records[i] for i in ok], columns=header, dtype=object) if ok else pd.DataFrame(columns=header)
    df = df[[c for c in needed]] if needed else df
    df = df.astype(object)
    df.insert(0, "_raw", [raw(i) for i in ok])
    df.insert(0, "_line", pd.array([starts[i] for i in ok], dtype="int64"))
    df.insert(0, "_file", name)

    rejects = [
        (name, starts[i], "", "wrong_field_count", f"expected {width} fields, found {len(records[i])}", raw(i))
        for i in bad
    ] + [(name, ln, "", "encoding_error", f"not valid {spec.encoding}", txt) for ln, txt in sorted(bad_lines.items())]
    rej = pd.DataFrame(rejects, columns=REJECT_COLUMNS)
    return FileRead(
        name=name,
        records=df.reset_index(drop=True),
        rejects=rej,
        blank_lines=blank,
        rows_read=len(data_idx) + len(bad_lines),
    )
