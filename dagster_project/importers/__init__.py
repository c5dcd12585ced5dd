"""Importers: source exports -> landing contract CSVs, driven by a YAML mapping per source.

    import_source("mappings/anonymous_bank.yml", "sample_sources/anonymous_bank", "data/real/landing")

See docs/importing.md for the mapping format and the rules.
"""

from dagster_project.importers.core import ImportResult, import_source, run_import, write_outputs
from dagster_project.importers.mapping import Mapping, MappingError, load_mapping
from dagster_project.importers.report import ImportReport

__all__ = [
    "ImportReport",
    "ImportResult",
    "Mapping",
    "MappingError",
    "import_source",
    "load_mapping",
    "run_import",
    "write_outputs",
]
