"""The training-impact report: a self-contained HTML file and an Excel workbook, FR or EN.

    uv run python -m dagster_project.report --lang fr|en --out reports/

Reads the published copy (dagster_project.publish.published_path_for(WAREHOUSE_PATH)), or
the warehouse itself with a warning when there is none. See docs/report.md.
"""

from .build import DEFAULT_CLAIM, HEADLINE_IDS, ReportFiles, build_report, format_headline_value, headline_sentences, render_html
from .data import ReportData, load_report_data, resolve_source
from .labels import LANGS, default_lang

__all__ = [
    "DEFAULT_CLAIM",
    "HEADLINE_IDS",
    "LANGS",
    "ReportData",
    "ReportFiles",
    "build_report",
    "default_lang",
    "format_headline_value",
    "headline_sentences",
    "load_report_data",
    "render_html",
    "resolve_source",
]
