"""The vocabulary every other module shares: labels, actors, columns. One place to change them."""

from __future__ import annotations

LABELS: tuple[str, ...] = ("condemn", "deny", "de-escalate", "other")
STANCE_LABELS: tuple[str, ...] = ("condemn", "deny", "de-escalate")
UNCERTAIN = "uncertain"

ACTORS: tuple[str, ...] = ("kremlin", "state_department", "un", "ankara")
# Where `stance classify` runs: in this process (with --jobs), or on a Dask cluster.
ENGINES: tuple[str, ...] = ("local", "dask")
OTHER_ACTOR = "other"

FORMS: tuple[str, ...] = ("direct", "reported")
HARD_KINDS: tuple[str, ...] = (
    "mixed",
    "cross-vocabulary",
    "hedged",
    "counter-claim",
    "implicit",
    "rhetoric",
    "understatement",
)

RECORD_COLUMNS: tuple[str, ...] = (
    "id",
    "text",
    "actor",
    "label",
    "crisis",
    "date",
    "source",
    "form",
    "hard",
    "verb",
)

# Columns that classify and extract append (empty for a row whose text is empty); an input column
# with one of these names would be silently overwritten, so reading input refuses it.
PREDICTION_COLUMNS: tuple[str, ...] = (
    "stance",
    "confidence",
    "p_condemn",
    "p_deny",
    "p_de_escalate",
    "p_other",
)

# The columns of `stance extract`, in order: a CSV of no statement still gets this header.
EXTRACT_COLUMNS: tuple[str, ...] = (
    "article",
    "actor",
    "speaker",
    "form",
    "statement",
    "start",
    "end",
    *PREDICTION_COLUMNS,
    "statement_id",
    "verb",
    "duplicate_of",
    "date",
    "source",
    "url",
    "title",
)


def probability_column(label: str) -> str:
    """`de-escalate` -> `p_de_escalate`: a column name that survives every output format."""
    return "p_" + label.replace("-", "_")
