"""Who condemned, denied or called for de-escalation, when: counts per actor and period, plots, HTML.

The input is what `stance extract` writes (or `stance.extraction` returns): one row a statement with
its actor, label, confidence, date and article. Repeats grouped by de-duplication count once (the
row whose `duplicate_of` is empty stands for its group), so a wire story run by a hundred outlets
is one statement; the report still says how many outlets carried it. Statements without a date
cannot be placed in a period: they are counted apart and named, never silently dropped.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal, get_args

from stance.errors import StanceError
from stance.schema import ACTORS, LABELS, UNCERTAIN

if TYPE_CHECKING:
    import pandas as pd

    from stance.extraction import AliasTable
    from stance.model import StanceModel

Period = Literal["day", "week", "month"]
PlotKind = Literal["shares", "counts"]
PLOT_TITLES: dict[PlotKind, str] = {"shares": "Share", "counts": "Number"}
PERIODS: tuple[str, ...] = get_args(Period)
_PANDAS_PERIOD = {"day": "D", "week": "W-SUN", "month": "M"}
COUNTED = (*LABELS, UNCERTAIN)
# Okabe-Ito colours (distinct for the common colour-vision deficiencies) and a hatch each for print.
LABEL_COLOURS = {
    "condemn": "#D55E00",
    "deny": "#0072B2",
    "de-escalate": "#009E73",
    "other": "#BBBBBB",
    UNCERTAIN: "#F0E442",
}
LABEL_HATCHES = {"condemn": "///", "deny": "...", "de-escalate": "\\\\\\", "other": "", UNCERTAIN: "xx"}
ACTOR_NAMES = {"kremlin": "Kremlin", "state_department": "State Department", "un": "United Nations", "ankara": "Ankara"}
REQUIRED = ("actor", "stance", "date")
UNCERTAIN_BELOW = 0.6


def share_column(label: str) -> str:
    return "share_" + label.replace("-", "_")


@dataclass
class Report:
    """The table of counts and shares, the statements behind it, and views of both."""

    table: pd.DataFrame
    statements: pd.DataFrame
    by: str
    undated: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)
    uncertain_below: float = UNCERTAIN_BELOW

    def plot(self, path: str | Path, kind: PlotKind = "shares") -> Path:
        """A PNG, one panel per actor: stacked shares of each label per period (`shares`), or the
        number of statements of each label per period (`counts`); needs the `[report]` extra."""
        from stance.output import save_figure

        path = Path(path)
        save_figure(_figure(self, kind), path, dpi=130)
        return path

    def write_table(self, path: str | Path) -> Path:
        """The table as CSV, or Parquet when the name ends in .parquet (needs pyarrow)."""
        from stance.output import temporary_beside

        path = Path(path)
        with temporary_beside(path) as temporary:
            if path.suffix.lower() == ".parquet":
                try:
                    self.table.to_parquet(temporary, index=False)
                except ImportError:
                    raise StanceError(f"{path}: writing Parquet needs pyarrow (pip install pyarrow)") from None
            else:
                self.table.to_csv(temporary, index=False, lineterminator="\n")
            temporary.replace(path)
        return path

    def to_html(self, path: str | Path, title: str = "Stance report") -> Path:
        """One self-contained HTML file (plot embedded, no network at view time)."""
        from stance.output import write_text_atomically

        path = Path(path)
        write_text_atomically(path, render_html(self, title))
        return path


def is_extract_output(path: Path) -> bool:
    """A CSV/TSV/JSONL/JSON table with the columns `stance extract` writes, rather than a manifest of articles."""
    from stance.data import file_kind, iter_table

    if not path.is_file() or file_kind(path) == "text":
        return False
    first = next(iter(iter_table(path, 1)), None)
    return first is not None and {"statement", "actor", "stance"} <= set(first.columns)


def gather_statements(
    inputs: list[Path],
    model: StanceModel | None = None,
    *,
    pattern: str | None = None,
    aliases: AliasTable | dict[str, str] | None = None,
    min_confidence: float | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The statements to report on, and the article texts they index: read from `stance extract`
    output, or extracted now from articles (files, folders, manifests) with `model`."""
    import pandas as pd

    from stance.articles import read_articles
    from stance.batch import extract_rows
    from stance.data import iter_table

    frames: list[pd.DataFrame] = []
    texts: dict[str, str] = {}
    articles = [path for path in inputs if not is_extract_output(path)]
    for path in inputs:
        if path not in articles:
            frame = pd.concat(list(iter_table(path)), ignore_index=True)
            for column in ("start", "end", "confidence"):
                if column in frame.columns:
                    frame[column] = pd.to_numeric(frame[column], errors="coerce")
            frames.append(frame)
            texts |= _readable_articles(frame)
    if articles:
        if model is None:
            from stance.model import load_model

            model = load_model()

        def remembered():
            for article in read_articles(articles, pattern=pattern):
                texts[article.path] = article.text
                yield article

        frames.append(pd.DataFrame(list(extract_rows(model, remembered(), aliases, False, min_confidence))))
    frames = [frame for frame in frames if not frame.empty]
    if not frames:
        raise StanceError("no statement by the four actors in the input")
    return pd.concat(frames, ignore_index=True).fillna(""), texts


def _readable_articles(frame: pd.DataFrame) -> dict[str, str]:
    """Texts of the articles an extract output names, where they are still on disk, for highlighting."""
    from stance.articles import read_articles

    texts = {}
    for name in frame["article"].dropna().unique() if "article" in frame.columns else []:
        path = Path(str(name))
        if path.is_file():
            try:
                texts[str(name)] = next(iter(read_articles([path]))).text
            except (StanceError, StopIteration):
                continue  # the report still lists the statement, without its paragraph
    return texts


def _require(frame: pd.DataFrame) -> None:
    missing = [column for column in REQUIRED if column not in frame.columns]
    if missing:
        raise StanceError(f"a report needs the columns {', '.join(REQUIRED)}; missing: {', '.join(missing)}")


def report(
    frame: pd.DataFrame,
    by: Period | str = "week",
    texts: dict[str, str] | None = None,
    uncertain_below: float = UNCERTAIN_BELOW,
) -> Report:
    """Counts and shares of each label per actor and period, counting one statement per duplicate group."""
    import pandas as pd

    if by not in PERIODS:
        raise StanceError(f"unknown period {by!r} (expected one of: {', '.join(PERIODS)})")
    _require(frame)
    rows = frame[frame["actor"].isin(ACTORS)].copy()
    if "duplicate_of" in rows.columns:
        key = rows["duplicate_of"].fillna("").astype(str)
        if "statement_id" in rows.columns:
            carried = key[key != ""].value_counts()
            rows["copies"] = 1 + rows["statement_id"].map(carried).fillna(0).astype(int)
        rows = rows[key == ""]
    if "copies" not in rows.columns:
        rows["copies"] = 1
    unknown = ~rows["stance"].isin(COUNTED)
    if unknown.any():
        raise StanceError(f"unknown stance {rows['stance'][unknown].iloc[0]!r} (expected one of: {', '.join(COUNTED)})")
    rows["uncertain"] = (rows["stance"] == UNCERTAIN) | (
        pd.to_numeric(rows.get("confidence", 1.0), errors="coerce").fillna(0.0) < uncertain_below
    )
    dates = pd.to_datetime(rows["date"].fillna("").astype(str).str[:10], format="%Y-%m-%d", errors="coerce")
    undated = rows[dates.isna()]
    rows = rows[dates.notna()]
    rows["period"] = dates[dates.notna()].dt.to_period(_PANDAS_PERIOD[by]).dt.start_time.dt.strftime("%Y-%m-%d")
    counts = (
        rows.groupby(["actor", "period"])["stance"]
        .value_counts()
        .unstack(fill_value=0)
        .reindex(columns=list(COUNTED), fill_value=0)
    )
    table = counts.reset_index()
    table.insert(2, "statements", table[list(COUNTED)].sum(axis=1))
    for label in COUNTED:
        table[share_column(label)] = table[label] / table["statements"]
    table["actor"] = pd.Categorical(table["actor"], categories=list(ACTORS), ordered=True)
    table = table.sort_values(["actor", "period"]).reset_index(drop=True)
    table["actor"] = table["actor"].astype(str)
    table.columns.name = None
    sort = [c for c in ("actor", "period", "date", "article", "start") if c in rows.columns]
    return Report(table, rows.sort_values(sort).reset_index(drop=True), by, undated, dict(texts or {}), uncertain_below)


def _figure(result: Report, kind: PlotKind = "shares"):  # -> matplotlib Figure
    from stance.output import pyplot

    plt = pyplot("plots")
    table = result.table
    actors = [actor for actor in ACTORS if actor in set(table["actor"])]
    if not actors:
        raise StanceError("nothing to plot: no dated statement by the four actors")
    periods = sorted(set(table["period"]))
    figure, axes = plt.subplots(len(actors), 1, figsize=(9, 1.9 * len(actors) + 1.0), sharex=True, squeeze=False)
    labels = [label for label in COUNTED if table[label].sum() > 0]
    for axis, actor in zip(axes[:, 0], actors, strict=True):
        rows = table[table["actor"] == actor].set_index("period").reindex(periods)
        if kind == "shares":
            _stacked_shares(axis, rows, labels)
        else:
            _count_lines(axis, rows, labels, int(table["statements"].max()))
        axis.set_ylabel(ACTOR_NAMES[actor], rotation=0, ha="right", va="center", fontsize=9)
        axis.spines[["top", "right"]].set_visible(False)
    axes[-1, 0].set_xticks(range(len(periods)), periods, rotation=45, ha="right", fontsize=8)
    axes[-1, 0].set_xlabel(f"{result.by} starting")
    handles, names = axes[0, 0].get_legend_handles_labels()
    what = "Share" if kind == "shares" else "Number"
    figure.suptitle(f"{what} of statements of each stance, per actor and {result.by}", y=0.99, fontsize=10)
    figure.legend(handles, names, loc="upper center", bbox_to_anchor=(0.5, 0.955), ncol=len(labels), frameon=False)
    figure.tight_layout(rect=(0, 0, 1, 0.9))
    return figure


def _stacked_shares(axis, rows: pd.DataFrame, labels: list[str]) -> None:
    """One bar a period, stacked by label share, with the period's statement count above it."""
    positions = range(len(rows))
    bottom = [0.0] * len(rows)
    for label in labels:
        shares = rows[share_column(label)].fillna(0.0).tolist()
        axis.bar(
            positions,
            shares,
            bottom=bottom,
            color=LABEL_COLOURS[label],
            hatch=LABEL_HATCHES[label],
            edgecolor="white",
            linewidth=0.6,
            label=label,
        )
        bottom = [b + s for b, s in zip(bottom, shares, strict=True)]
    for x, total in enumerate(rows["statements"].fillna(0).astype(int).tolist()):
        axis.text(x, 1.02, f"n={total}" if total else "none", ha="center", va="bottom", fontsize=7, color="0.3")
    axis.set_ylim(0, 1.15)
    axis.set_yticks([0, 0.5, 1.0], ["0%", "50%", "100%"])


def _count_lines(axis, rows: pd.DataFrame, labels: list[str], top: int) -> None:
    """One line a label, told apart by colour, marker and dash so that print and grey still work."""
    styles: dict[str, tuple[str, object]] = {
        "condemn": ("o", "-"),
        "deny": ("s", "--"),
        "de-escalate": ("^", "-."),
        "other": ("D", ":"),
        UNCERTAIN: ("x", (0, (1, 3))),
    }
    for label in labels:
        marker, dash = styles[label]
        axis.plot(
            range(len(rows)),
            rows[label].fillna(0).tolist(),
            color=LABEL_COLOURS[label] if label != "other" else "0.45",
            marker=marker,
            linestyle=dash,
            label=label,
        )
    axis.set_ylim(0, max(top, 1) * 1.15)


def _png_data_uri(result: Report, kind: PlotKind) -> str:
    import matplotlib.pyplot as plt

    figure = _figure(result, kind)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _safe_url(url: str) -> str | None:
    return url if url.lower().startswith(("http://", "https://")) else None


def _paragraph(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The paragraph around a span, split into before / statement / after."""
    begin = text.rfind("\n\n", 0, start)
    begin = 0 if begin < 0 else begin + 2
    finish = text.find("\n\n", end)
    finish = len(text) if finish < 0 else finish
    return text[begin:start], text[start:end], text[end:finish]


def _statement_html(row: dict, texts: dict[str, str]) -> str:
    escape = html.escape
    label = str(row["stance"])
    confidence = row.get("confidence")
    uncertain = bool(row.get("uncertain"))
    statement = str(row.get("statement", row.get("text", "")))
    text = texts.get(str(row.get("article", "")))
    start, end = row.get("start"), row.get("end")
    if text is not None and start is not None and end is not None and text[int(start) : int(end)] == statement:
        before, span, after = _paragraph(text, int(start), int(end))
        body = f"{escape(before)}<mark>{escape(span)}</mark>{escape(after)}"
    else:
        body = f"<mark>{escape(statement)}</mark>"
    source = escape(str(row.get("source") or row.get("article") or ""))
    url = _safe_url(str(row.get("url") or ""))
    title = escape(str(row.get("title") or "article"))
    link = f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{title}</a>' if url else title
    copies = int(row.get("copies", 1))
    also = f" · carried {copies} times" if copies > 1 else ""
    flag = ' <span class="flag">uncertain</span>' if uncertain else ""
    confidence_text = f"{float(confidence):.2f}" if confidence is not None and confidence == confidence else ""
    return (
        f'<li class="statement"><span class="label {escape(label)}">{escape(label)}</span> '
        f'<span class="conf">{confidence_text}</span>{flag}<p>{body}</p>'
        f'<p class="meta">{escape(str(row.get("speaker") or ""))} · {source} · {escape(str(row.get("date") or ""))}'
        f" · {link}{also}</p></li>"
    )


_STYLE = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:60rem;color:#222;
padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}table{border-collapse:collapse;font-size:.85rem}
td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:right}td:first-child,th:first-child,
td:nth-child(2),th:nth-child(2){text-align:left}img{max-width:100%}mark{background:#fff3b0;padding:0 .1em}
.label{display:inline-block;border-radius:3px;padding:0 .4em;font-size:.8rem;font-weight:600;color:#fff}
.condemn{background:#D55E00}.deny{background:#0072B2}.de-escalate{background:#009E73}.other{background:#777}
.uncertain{background:#8a7a00}.flag{border:1px dashed #8a7a00;color:#6b5f00;font-size:.75rem;padding:0 .3em}
.conf{color:#555;font-size:.8rem}.meta{color:#555;font-size:.8rem;margin-top:-.6rem}ul{list-style:none;padding:0}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}.note{color:#555;font-size:.85rem}
@media print{details{display:block}details>*{display:block}}
"""


def render_html(result: Report, title: str = "Stance report") -> str:
    """The whole report as one HTML document: plot, table, and the statements behind each count."""
    escape = html.escape
    try:
        plot = "".join(
            f'<img alt="{what} of each stance per actor and {result.by}" src="{_png_data_uri(result, kind)}">'
            for kind, what in PLOT_TITLES.items()
        )
    except StanceError as error:
        plot = f'<p class="note">{escape(str(error))}</p>'
    head = ["actor", "period", "statements", *COUNTED]
    rows_html = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row[column]))}</td>" for column in head) + "</tr>"
        for row in result.table.to_dict("records")
    )
    sections = []
    statements = result.statements
    for actor in ACTORS:
        of_actor = statements[statements["actor"] == actor]
        if of_actor.empty:
            continue
        parts = [f"<h2>{escape(ACTOR_NAMES[actor])}</h2>"]
        for period, group in of_actor.groupby("period", sort=True):
            counts = ", ".join(
                f"{label} {int((group['stance'] == label).sum())}"
                for label in COUNTED
                if (group["stance"] == label).any()
            )
            items = "".join(_statement_html(row, result.texts) for row in group.to_dict("records"))
            parts.append(
                f"<details><summary>{escape(result.by)} of {escape(str(period))}: {len(group)} statements "
                f"({escape(counts)})</summary><ul>{items}</ul></details>"
            )
        sections.append("".join(parts))
    undated = (
        f'<p class="note">{len(result.undated)} statement(s) had no date and are not in the table.</p>'
        if len(result.undated)
        else ""
    )
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><style>{_STYLE}</style></head><body>'
        f'<h1>{escape(title)}</h1><p class="note">Per actor and {escape(result.by)}: one statement per group of '
        f"repeats; labels below confidence {result.uncertain_below:.1f} or marked uncertain are flagged. "
        "Labels come from a statistical model: check the statements behind a count before reporting a trend.</p>"
        f"{plot}<h2>Counts</h2><table><thead><tr>{''.join(f'<th>{escape(h)}</th>' for h in head)}</tr></thead>"
        f"<tbody>{rows_html}</tbody></table>{undated}{''.join(sections)}</body></html>\n"
    )
