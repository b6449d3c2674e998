"""Scoring extraction against annotated articles: precision, recall, speaker agreement, kinds of miss.

An annotated folder holds `<name>.txt` articles with `<name>.truth.csv` gold statements (columns
`statement, actor, speaker, form, label`; `statement` an exact substring of the article) and an
optional `aliases.csv`: the project's fixtures, the real development articles, or a user's own
annotated sample. A found statement matches a gold one when their actors agree and their spans
overlap by at least half of the longer span (DECISIONS.md); each miss is given the kind of issue 11
that first fits it, so a change can be judged by the kinds it fixes rather than by one figure.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from stance.extraction.lexicon import read_aliases
from stance.extraction.segment import is_clutter
from stance.extraction.statements import extract_statements
from stance.metrics import extraction_scores

# The kinds of miss of issue 11, in the order a miss is tested for them (the first that fits names it).
KINDS = {
    "headline": "2 headline or standfirst, actor as subject",
    "role": "1 official known only by role or an unknown name",
    "run-on": "4 span runs on or stops short",
    "according": "6 according to / statement said / unnamed official",
    "after": "3 attribution after the statement",
    "clutter": "5 page clutter",
    "grammar": "7 verb or construction not read",
    "actor": "- found with another actor",
}
_SAYING = re.compile(
    r"^[”\"’,.\s]{0,4}(?:[^.;“”\"]{0,80}?\s)?(?:said|says|told|added|wrote|warned|stated|announced)\b", re.I
)
_UNNAMED = re.compile(r"\b(?:according to|statement|official|source|diplomat)\b", re.I)
_CLUTTER = re.compile(
    r"^(?:read more|related|photo|file photo|advertisement|subscribe|sign up|newsletter|support|donate|share|"
    r"\(?(?:ap|afp|reuters)\b|by [A-Z]|updated|published|\d{1,2}:\d{2})",
    re.I,
)


def _occurrence(text: str, statement: str, cursor: int) -> int:
    """Where a truth statement is, from `cursor` on: when a caption or headline repeats the story's
    words, the story's own occurrence, since no statement is taken from page furniture."""
    first = start = text.find(statement, cursor)
    while start >= 0:
        _, paragraph = _paragraph(text, start)
        if re.search(r"[.!?”\"’:]\s*$", paragraph) and not is_clutter(paragraph, 0, len(paragraph)):
            return start
        start = text.find(statement, start + 1)
    return _occurrence(text, statement, 0) if cursor else first


def gold_rows(article: Path) -> list[dict]:
    """The truth file's statements with their offsets: each is found in order, after the previous one."""
    text = article.read_text(encoding="utf-8")
    rows, cursor = [], 0
    with article.with_suffix(".truth.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            start = _occurrence(text, row["statement"], cursor)
            if start < 0:
                start = _occurrence(text, row["statement"], 0)
            if start < 0:
                raise ValueError(f"{article.name}: truth statement not in the article: {row['statement']!r}")
            cursor = start + 1
            rows.append({**row, "article": article.name, "start": start, "end": start + len(row["statement"])})
    return rows


def _row(name: str, statement) -> dict:
    return {
        "article": name,
        "actor": statement.actor,
        "form": statement.form,
        "start": statement.start,
        "end": statement.end,
        "statement": statement.text,
        "speaker": statement.speaker,
        "verb": statement.verb,
    }


def _paragraph(text: str, start: int) -> tuple[int, str]:
    """(number, text) of the paragraph holding `start`."""
    before = text[:start]
    number = len(re.findall(r"\n\s*\n", before))
    begin = max(before.rfind("\n") + 1, 0)
    end = text.find("\n", start)
    return number, text[begin : end if end >= 0 else len(text)]


def _is_headline(text: str, start: int) -> bool:
    number, paragraph = _paragraph(text, start)
    return number <= 1 or (number <= 3 and not re.search(r"[.!?”\"’]\s*$", paragraph))


def miss_kind(text: str, gold: dict, everyone: list[dict]) -> str:
    """Which kind of miss a missed gold statement is, judged from the article and all that was found."""
    span = (gold["start"], gold["end"])
    if _is_headline(text, gold["start"]):
        return "headline"
    overlapping = [f for f in everyone if f["start"] < span[1] and span[0] < f["end"]]
    if any(f["actor"] != gold["actor"] for f in overlapping):
        return "role"
    if overlapping:
        return "run-on"
    sentence_start = max(text.rfind(". ", 0, span[0]), text.rfind("\n", 0, span[0])) + 1
    around = text[sentence_start : span[0]] + " " + text[span[1] : span[1] + 80] + " " + gold.get("speaker", "")
    if _UNNAMED.search(around) and not re.search(r"[A-Z][a-z]+ [A-Z][a-z]+", gold.get("speaker", "")):
        return "according"
    if _SAYING.match(text[span[1] : span[1] + 120]):
        return "after"
    return "grammar"


def spurious_kind(text: str, found: dict, gold: list[dict]) -> str:
    """Why a found statement matched nothing: clutter, a span that ran on, or the wrong actor."""
    _, paragraph = _paragraph(text, found["start"])
    if _CLUTTER.match(paragraph.strip()):
        return "clutter"
    overlapping = [g for g in gold if g["start"] < found["end"] and found["start"] < g["end"]]
    if any(g["actor"] == found["actor"] for g in overlapping):
        return "run-on"
    if overlapping:
        return "actor"
    return "not gold (speaker or clause)"


def score_folder(folder: Path) -> dict[str, Any]:
    """Every figure for one annotated folder; `missed` and `spurious` rows carry their `kind`."""
    aliases_file = folder / "aliases.csv"
    aliases = read_aliases(aliases_file) if aliases_file.exists() else {}
    found, gold, kinds, spurious_kinds = [], [], {}, {}
    for article in sorted(folder.glob("*.txt")):
        text = article.read_text(encoding="utf-8")
        mine = [_row(article.name, s) for s in extract_statements(text, aliases)]
        truth = gold_rows(article)
        scores = extraction_scores(mine, truth)
        everyone = [_row(article.name, s) for s in extract_statements(text, aliases, all_speakers=True)]
        for row in scores["missed"]:
            kinds[(row["article"], row["start"])] = miss_kind(text, row, everyone)
        for row in scores["spurious"]:
            spurious_kinds[(row["article"], row["start"])] = spurious_kind(text, row, truth)
        found += mine
        gold += truth
    scores = extraction_scores(found, gold)
    for row in scores["missed"]:
        row["kind"] = kinds[(row["article"], row["start"])]
    for row in scores["spurious"]:
        row["kind"] = spurious_kinds[(row["article"], row["start"])]
    scores["speaker_agreement"] = sum(same_speaker(f["speaker"], g["speaker"]) for f, g in scores["matched"])
    return scores


def same_speaker(found: str, gold: str) -> bool:
    """Loosely: the same name or institution, whatever the article's wording around it."""
    found, gold = found.lower().replace("’", "'"), gold.lower().replace("’", "'")
    if not found.split() or not gold.split():
        return found == gold
    return found == gold or found in gold or gold in found or found.split()[-1] == gold.split()[-1]
