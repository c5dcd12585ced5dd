"""Asset groups, their owners and descriptions: the one place the UI's labels come from."""

GROUPS: dict[str, dict[str, str]] = {
    "sources": {
        "owner": "team:data-engineering",
        "description": "Source exports converted to the landing contract by a declarative mapping.",
    },
    "landing": {
        "owner": "team:data-engineering",
        "description": "Landing files copied as text into raw.*, one delivery per file.",
    },
    "staging": {
        "owner": "team:data-engineering",
        "description": "Typed, validated views over raw.*; bad rows carry their reason.",
    },
    "intermediate": {
        "owner": "team:data-engineering",
        "description": "Deduplicated rows, local dates, follow-up flags.",
    },
    "marts": {
        "owner": "team:analytics",
        "description": "Per-advisor, per-campaign indicators by day and month; dimensions.",
    },
    "published": {
        "owner": "team:data-engineering",
        "description": "The read-only copy analysts and reports read, replaced atomically after a good build.",
    },
    "analysis": {
        "owner": "team:analytics",
        "description": "Training-impact analyses: plain and adjusted figures side by side.",
    },
    "report": {
        "owner": "team:analytics",
        "description": "What managers and clients read: the HTML report and Excel workbook (FR/EN) from the published copy.",
    },
}

# Every asset that writes the warehouse file is in this pool (grouped in the UI); writers
# are serialised by the file lock in dagster_project/warehouse.py.
WAREHOUSE_WRITER_POOL = "warehouse_writer"


def owners(group: str) -> list[str]:
    return [GROUPS[group]["owner"]]
