"""Paragraphs, sentences and quotations of an article as (start, end) spans: pure functions of the text.

A carriage return is whitespace to every pattern here, so a CRLF file is read as it is and every
offset indexes the text as the user gave it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|"
    r"Prof|Sen|Rep|Gov|vs|etc|approx)|\b[A-Z](?:\.[A-Z])+|\b[A-Z])\.$"
)
OPENERS = '“"‘'
CLOSERS = '”"’'


def paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of paragraphs: blocks separated by blank lines, or single lines in a text that has none
    (copied web pages often put one paragraph on each line)."""
    pattern = r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*" if re.search(r"\n\s*\n", text) else r"[^\n]+"
    for match in re.finditer(pattern, text):
        if match.group(0).strip():
            yield match.start(), match.end()


_PLACE = r"[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}"
# A wire dateline opening a story's first paragraph, in capitals or not: "MOSCOW, March 3 (Reuters) - ",
# "Moscow (AFP) - ", "United Nations (United States) (AFP) - ", "Istanbul, Turkey — ". Its place is
# where the story was filed, never who speaks: "Ankara (AFP) - Russia said ..." is Russia speaking.
_SECOND = rf",\s+(?:{_PLACE}|[A-Z][a-z]+\.?\s+\d{{1,2}}|\d{{1,2}}\s+[A-Z][a-z]+)"
_DATELINE = re.compile(
    # With the agency in brackets any dash will do; without, only "Place, Country —" or "Place, May 4 —",
    # as "Turkey — Russia's partner — said" is a subject and its apposition.
    rf"\s*{_PLACE}(?:(?:{_SECOND})?(?:\s*\([^()\n]{{1,30}}\)){{1,2}}\s*[-–—]+|{_SECOND}\s+[–—])\s+(?=[A-Z“\"])"
)


def after_dateline(text: str, start: int, end: int) -> int:
    """Where a paragraph's text starts once a dateline is passed (`start` when it has none)."""
    match = _DATELINE.match(text, start, end)
    return match.end() if match else start


_MARKS = re.compile('[“”"]')


def quotes(text: str, start: int, end: int, carried: bool) -> tuple[list[tuple[int, int]], bool]:
    """Quoted passages of one paragraph as (inner start, inner end); whether the last stays open.

    Curly marks pair by their shape, straight ones by turns. A paragraph whose quote is never
    closed continues into the next paragraph, which in news style opens with a fresh mark.
    """
    spans = []
    opened: int | None = None
    i = start
    if carried and text[start] in '“"':
        opened = i = start + 1
    for mark in _MARKS.finditer(text, i, end):
        i = mark.start()
        char = text[i]
        if opened is None:
            if char == "“" or (char == '"' and not _is_inch_mark(text, i)):
                opened = i + 1
        elif char in '”"':
            spans.append((opened, i))
            opened = None
        elif char == "“":
            # A new opening mark inside an open quote: the earlier one ran to here unclosed.
            spans.append((opened, i))
            opened = i + 1
    still_open = opened is not None
    if opened is not None:
        spans.append((opened, end))
    return spans, still_open


def _is_inch_mark(text: str, i: int) -> bool:
    return text[i] == '"' and i > 0 and text[i - 1].isdigit()


def sentences(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sentence spans of a paragraph; a full stop inside a quotation does not end the sentence."""

    def inside_quote(position: int) -> bool:
        return any(q_start <= position < q_end for q_start, q_end in quotes)

    begin = start
    for match in re.finditer(r"[.!?][”\"’)]*\s+(?=[“\"A-Z0-9])", text[start:end]):
        stop = start + match.start()
        if inside_quote(stop):
            continue
        if ABBREVIATIONS.search(text[begin : stop + 1]):
            continue
        cut = start + match.end()
        yield begin, cut
        begin = cut
    if begin < end:
        yield begin, end


def trim(text: str, start: int, end: int, strip_final_stop: bool = True) -> tuple[int, int]:
    """Shrink a span past spaces, stray punctuation and quotation marks at either end."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-" + OPENERS + CLOSERS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-" + OPENERS + CLOSERS):
        end -= 1
    if strip_final_stop:
        while end > start and text[end - 1] in ".!":
            end -= 1
    return start, end


# Page furniture that can end like a sentence: captions, "Read more" and newsletter boxes, credits.
_CLUTTER = re.compile(
    r"\s*(?:\[(?:Image|Photo|Video)\b|(?:Image|Photo|Photograph|Picture|Video|File photo|Caption|Read more|Related|"
    r"More on this|Sign up|Subscribe|Advertisement|Support (?:us|our)|Donate|Share this|Follow us)\b\s*[:|]?)",
    re.I,
)


def is_clutter(text: str, start: int, end: int) -> bool:
    """Whether a paragraph is page furniture rather than the story: no statement comes from it."""
    return bool(_CLUTTER.match(text, start, end))


def inside_quote(text: str, start: int, position: int) -> bool:
    """Whether `position` falls inside a quotation opened after `start` ("blocking, looting" is quoted)."""
    stretch = text[start:position]
    return stretch.count("“") > stretch.count("”") or stretch.count('"') % 2 == 1
