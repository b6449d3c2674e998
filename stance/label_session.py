"""The terminal side of `stance label`: one statement on screen, one key per answer.

Keys are read one at a time in cbreak mode (termios), so no Enter is needed and Ctrl-C still
interrupts; the ranking was computed before the first key, so answering costs an append, an
fsync and one redraw.
"""

from __future__ import annotations

import os
import sys
import termios
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stance.labelling import KEYS, AnswerLog, Item, answer_row, context_of

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

HELP = "[c] condemn  [d] deny  [e] de-escalate  [o] other    [s] skip  [u] undo  [q] quit"
QUIT_KEYS = ("q", "\x03", "\x04", "")  # q, Ctrl-C, Ctrl-D, end of input


@contextmanager
def terminal_keys(stream=None) -> Iterator[Callable[[], str]]:
    """A function returning the next key pressed, with the terminal restored on the way out."""
    descriptor = (stream or sys.stdin).fileno()
    saved = termios.tcgetattr(descriptor)
    tty.setcbreak(descriptor)
    try:
        yield lambda: os.read(descriptor, 1).decode("utf-8", errors="replace").lower()
    finally:
        termios.tcsetattr(descriptor, termios.TCSADRAIN, saved)


@dataclass
class SessionSummary:
    answered: int = 0
    skipped: int = 0
    undone: int = 0


def screen(
    item: Item, position: int, total: int, note: str, articles: dict[str, str | None], saved: int = 0
) -> RenderableType:
    """What a person sees for one statement: where it sits, who said it, what the model thinks."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    context = context_of(item.info, articles)
    body = Text()
    if context:
        before, said, after = context
        body.append(before, style="dim")
        body.append(said, style="bold underline")
        body.append(after, style="dim")
    else:
        body.append(item.text, style="bold")
    who = [
        f"{name}: {Path(item.info[name]).name if name == 'article' else item.info[name]}"
        for name in ("speaker", "actor", "article", "source")
        if item.info.get(name)
    ]
    model = Table.grid(padding=(0, 1))
    if item.probabilities:
        for label, probability in sorted(item.probabilities.items(), key=lambda pair: -pair[1]):
            mark = "◀ model" if label == item.model_label else ""
            model.add_row(f"{label:12s}", f"{probability:5.2f}", "█" * round(probability * 30), mark)
    else:
        model.add_row(f"model said: {item.model_label or 'unknown'}")
    title = f"{position + 1} of {total} · {saved} in the labels file"
    parts: list[RenderableType] = [body, Text("")]
    if who:
        parts += [Text("   ".join(who), style="cyan"), Text("")]
    parts.append(model)
    if note:
        parts += [Text(""), Text(note, style="yellow")]
    return Group(Panel(Group(*parts), title=title, title_align="left"), Text(HELP, style="bold"))


def run_session(
    items: list[Item],
    log: AnswerLog,
    read_key: Callable[[], str],
    console: Console,
    *,
    sha256: str,
    annotator: str,
) -> SessionSummary:
    """Ask about each item in turn until the queue ends or the person quits; every answer is saved at once."""
    items = list(items)
    summary = SessionSummary()
    history: list[int] = []  # positions answered in this session, for undo
    articles: dict[str, str | None] = {}
    position = 0
    note = ""
    while position < len(items):
        item = items[position]
        console.clear()
        console.print(screen(item, position, len(items), note, articles, len(log.rows)))
        note = ""
        try:
            key = read_key()
        except KeyboardInterrupt:
            key = "q"
        if key in KEYS:
            log.append(answer_row(item, KEYS[key], sha256, annotator))
            summary.answered += 1
            history.append(position)
            position += 1
        elif key == "s":
            summary.skipped += 1
            position += 1
        elif key == "u":
            removed = log.undo()
            if removed is None:
                note = "nothing to undo"
                continue
            summary.undone += 1
            if history and items[history[-1]].statement_id == removed["statement_id"]:
                position = history.pop()
                summary.answered -= 1
            else:  # answered in an earlier session: ask about it again here
                info = {name: removed[name] for name in ("actor", "speaker", "article", "source", "url")}
                items.insert(position, Item(removed["statement_id"], removed["text"], "", info, removed["model_label"]))
            note = f"undone: {removed['label']}"
        elif key in QUIT_KEYS:
            break
        else:
            note = f"unknown key {key!r}"
    console.clear()
    return summary
