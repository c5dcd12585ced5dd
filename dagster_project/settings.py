"""Paths and environment, resolved once. Every other module asks here."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt"
CONTRACT_FILE = DBT_PROJECT_DIR / "models" / "staging" / "_sources.yml"


def _path_from_env(name: str, default: str) -> Path:
    value = os.environ.get(name) or default
    path = Path(value).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


def landing_dir() -> Path:
    """Folder of landing files, one sub-folder per contract table (env LANDING_DIR)."""
    return _path_from_env("LANDING_DIR", "data/landing")


def warehouse_path() -> Path:
    """DuckDB file the pipeline writes (env WAREHOUSE_PATH)."""
    return _path_from_env("WAREHOUSE_PATH", "data/warehouse.duckdb")


def dbt_env() -> dict[str, str]:
    """Environment for dbt subprocesses: absolute warehouse path, venv bin on PATH."""
    env = dict(os.environ)
    env["WAREHOUSE_PATH"] = str(warehouse_path())
    venv_bin = str(Path(os.sys.executable).parent)
    if venv_bin not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = venv_bin + os.pathsep + env.get("PATH", "")
    return env


# The dbt command of the nightly job (the Dagster dbt asset) and of the benchmark
# (scripts/bench.py): one place. The dbt unit tests check SQL logic on fixed inputs, not the
# data: CI runs them (tests/), the nightly leaves them out (docs/operations.md).
DBT_BUILD_ARGS: tuple[str, ...] = ("build", "--exclude-resource-type", "unit_test")


def dbt_executable() -> Path:
    """The dbt of this virtual environment (the resource must not depend on PATH)."""
    return Path(os.sys.executable).parent / "dbt"


def export_environment() -> None:
    """dbt subprocesses read WAREHOUSE_PATH: give them the same absolute path as Python."""
    os.environ["WAREHOUSE_PATH"] = str(warehouse_path())
    os.environ["LANDING_DIR"] = str(landing_dir())


def ensure_dbt_manifest(project) -> None:
    """Parse the dbt project when its manifest is missing or older than a dbt file.

    `dagster dev` prepares it by itself; tests, `dagster job execute` and
    `dagster definitions validate` do not.
    """
    import subprocess

    manifest = project.manifest_path
    sources = [p for p in DBT_PROJECT_DIR.rglob("*") if p.suffix in {".sql", ".yml", ".csv"} and "target" not in p.parts]
    if manifest.exists() and all(p.stat().st_mtime <= manifest.stat().st_mtime for p in sources):
        return
    subprocess.run(
        [str(dbt_executable()), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        check=True,
        env=dbt_env(),
    )


def source_imports() -> list[tuple[Path, Path]]:
    """Sources to import before loading (env SOURCE_IMPORTS), as (mapping file, input folder).

    Format: `mapping.yml=input_folder`, several separated by `;`. Empty: the landing folder
    already holds contract files (the sample data, or exports in the contract format).
    """
    value = os.environ.get("SOURCE_IMPORTS", "").strip()
    pairs = []
    for item in filter(None, (part.strip() for part in value.split(";"))):
        mapping, sep, input_dir = item.partition("=")
        if not sep:
            raise ValueError(f"SOURCE_IMPORTS item {item!r} must be 'mapping.yml=input_folder'")
        pairs.append((_path_from_env("_unused", mapping.strip()), _path_from_env("_unused", input_dir.strip())))
    return pairs
