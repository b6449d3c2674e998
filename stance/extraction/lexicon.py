"""The alias table: which words name which actor, read from data, never from code.

The package ships `aliases.csv` (`alias, actor, kind`; kind is person, institution or role) and a
user's `--aliases` file has the same schema (`kind` may be left out: a name is a person's). One
loader reads both, so the built-in table and the user's are checked alike.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

from stance.errors import StanceError
from stance.schema import ACTORS, OTHER_ACTOR

BUILT_IN = Path(__file__).with_name("aliases.csv")
KINDS = ("person", "institution", "role")


class AliasTable(dict[str, str]):
    """alias -> actor, with each alias's kind in `kinds` (person when the file does not say)."""

    def __init__(self, actors: dict[str, str] | None = None, kinds: dict[str, str] | None = None) -> None:
        super().__init__(actors or {})
        self.kinds = dict(kinds or {})

    def kind(self, alias: str) -> str:
        return self.kinds.get(alias, "person")


def read_aliases(path: str | Path) -> AliasTable:
    """An `alias, actor[, kind]` CSV; a BOM is allowed, a folder or a bad row is a one-line error."""
    path = Path(path)
    if not path.exists():
        raise StanceError(f"{path}: no such file")
    if path.is_dir():
        raise StanceError(f"{path}: is a folder; give an alias CSV file with columns alias, actor[, kind]")
    table = AliasTable()
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = [name.strip() for name in reader.fieldnames or []]
            if not {"alias", "actor"} <= set(fields):
                raise StanceError(f"{path}: an alias file needs the columns alias, actor (and optionally kind)")
            reader.fieldnames = fields
            for number, row in enumerate(reader, start=2):
                actor = (row["actor"] or "").strip()
                if actor not in (*ACTORS, OTHER_ACTOR):
                    raise StanceError(
                        f"{path}: line {number}, column 'actor': unknown actor {actor!r} "
                        f"(expected one of: {', '.join((*ACTORS, OTHER_ACTOR))})"
                    )
                alias = (row["alias"] or "").strip()
                if not alias:
                    raise StanceError(f"{path}: line {number}, column 'alias': empty")
                kind = (row.get("kind") or "").strip() or "person"
                if kind not in KINDS:
                    raise StanceError(
                        f"{path}: line {number}, column 'kind': unknown kind {kind!r} "
                        f"(expected one of: {', '.join(KINDS)})"
                    )
                table.setdefault(alias, actor)
                table.kinds.setdefault(alias, kind)
    except UnicodeDecodeError:
        raise StanceError(f"{path}: bytes that are not UTF-8; save the file as UTF-8") from None
    return table


_BUILT_IN: AliasTable | None = None


def built_in_aliases() -> AliasTable:
    """The package's table, read once per process."""
    global _BUILT_IN
    if _BUILT_IN is None:
        _BUILT_IN = read_aliases(BUILT_IN)
    return _BUILT_IN


@lru_cache(maxsize=16)
def _marker_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """The compiled pattern over every marker, built once per alias set rather than per article."""
    return re.compile(rf"(?<![\w-])(?:{_alternation(list(words))})(?![\w-])")


def _alternation(words: list[str]) -> str:
    """One regular expression for many words, as a trie: Python's engine would otherwise try each
    of a thousand aliases at every character. Longer words win over their prefixes."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return pattern(trie)


class Markers:
    """One regular expression over every marker, so the first marker in a phrase decides its actor."""

    def __init__(self, user_aliases: dict[str, str]) -> None:
        table = built_in_aliases()
        self.actor_of: dict[str, str] = dict(table)
        # Surnames of known officials: a bare one counts only once the article has named the person
        # in full or by title (DECISIONS.md): "Price said" means nothing on its own.
        self.bare_surnames = {word for word in table if table.kind(word) == "person" and " " not in word}
        for alias in table:
            parts = alias.split()
            if table.kind(alias) == "person" and len(parts) > 1:
                self.bare_surnames.add(parts[-1])
                self.actor_of.setdefault(parts[-1], table[alias])
        self.user = dict(user_aliases)
        user_kinds = getattr(user_aliases, "kinds", {})
        # Words that name a place or an institution, never part of a person's name.
        self.places = {word for word in self.actor_of if " " not in word and word not in self.bare_surnames}
        self.places |= {word for word, kind in user_kinds.items() if kind != "person" and " " not in word}
        # The words of an institution's name ("United Nations", "Black Sea Fleet") are not a person's either.
        self.places |= {
            part for word, kind in table.kinds.items() if kind != "person" and " " in word for part in word.split()
        }
        self.actor_of.update(self.user)
        self.pattern = _marker_pattern(tuple(sorted(self.actor_of)))
        self._found: dict[str, list[str]] = {}

    def first(self, phrase: str, known_people: dict[str, str]) -> tuple[str | None, str | None]:
        """(actor, the word that decided it) for the first marker in the phrase, or (None, None)."""
        if phrase not in self._found:
            self._found[phrase] = [match.group(0) for match in self.pattern.finditer(phrase)]
        for word in self._found[phrase]:
            if word in self.bare_surnames and word not in self.user and word not in known_people:
                continue
            return self.actor_of[word], word
        for name, actor in known_people.items():
            if name in phrase and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", phrase):
                return actor, name
        return None, None


TITLE_WORDS = {
    "President",
    "Prime",
    "Minister",
    "Foreign",
    "Defence",
    "Defense",
    "Ministry",
    "Secretary",
    "Spokesman",
    "Spokeswoman",
    "Spokesperson",
    "Ambassador",
    "Envoy",
    "Deputy",
    "General",
    "Under",
    "Assistant",
    "Special",
    "Representative",
    "High",
    "Commissioner",
    "Director",
    "Communications",
    "Chief",
    "Head",
    "Office",
    "State",
    "Department",
    "Council",
    "Security",
    "Affairs",
    "Political",
    "Coordinator",
    "Humanitarian",
    "The",
    "A",
    "An",
    "Mr",
    "Rear",
    "Admiral",
    "Colonel",
    "Major",
    "Captain",
    "Lieutenant",
    "Sergeant",
    "Brigadier",
    "Commander",
    "Marshal",
    "Mrs",
    "Ms",
    "Dr",
    "Kremlin",
    "Senior",
    "Acting",
    "Vice",
    "Permanent",
    "Mission",
}


_NAME = re.compile(
    r"(?:[A-ZÀ-ÖØ-Þİ][\w'’-]+)(?:\s+(?:(?:al|el|bin|ibn|de|da|van|von|der|du|la|le)[-\s])?[A-ZÀ-ÖØ-Þİ][\w'’-]+)+"
)


def person_name(phrase: str, markers: Markers) -> str | None:
    """A person's name in a speaker phrase: two or more capitalised words that are not titles or places."""
    for match in _NAME.finditer(phrase):
        words = [w for w in match.group(0).split() if w not in TITLE_WORDS and w not in markers.places]
        if len(words) >= 2:
            return " ".join(words)
        if len(words) == 1 and (words[0] in markers.user or words[0] in markers.bare_surnames):
            return words[0]
    single = re.findall(r"\b[A-ZÀ-ÖØ-Þİ][\w'’-]+\b", phrase)
    for word in single:
        if markers.user.get(word):
            return word
    return None
