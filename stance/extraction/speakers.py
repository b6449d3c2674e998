"""Who is speaking: a tracker of the speakers met so far, for pronouns, role nouns and surnames.

The tracker does not walk the article itself: the reader passes the position of each phrase, and
the tracker looks only behind it. Every look-up is bounded (an index of mentions, a window of recent
speakers), so an article is read in time linear in its length.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from stance.extraction.grammar import LEADING_ADVERBIAL, PERSON_ROLES, TITLE_LOWER
from stance.extraction.lexicon import Markers, person_name
from stance.schema import ACTORS, OTHER_ACTOR

_WORDS = re.compile(r"[a-z-]+")
_CAPITAL = re.compile(r"[A-Z]")
_SPACES = re.compile(r"\s+")
_LAST_CLAUSE = re.compile(r",\s+(?:and|but|while)\s+|;\s+")
_CONJUNCTION = re.compile(r"^(?:and|but|while|as|who|which|where)\s+", re.I)
_OCCASION = re.compile(
    r",?\s+(?:at|during|after|in|on|with)\s+(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){0,3}(?:conference|briefing|"
    r"meeting|interview|speech|session|summit|call|visit|talks|statement|post|message|letter)\b.*$"
)
_UNNAMED_ROLE = re.compile(r"(?:the|a|an|its|his|her|their)\s+(?:[\w’'-]+\s+){0,4}[\w-]+$")
# "The official, who spoke on condition of anonymity," / "Turkey, which has troops there,".
_APPOSITIVE = re.compile(r",\s*(?:who|which)\b[^,]*(?:,|$)")
# "The agency's country director for Libya, Joost Ravensbergen": the possessor decides the actor.
_POSSESSOR = re.compile(r"(?:the|its|his|her|their)\s+([\w-]+)[’']s\b")
_SINGLE_NAME = re.compile(r"[A-ZÀ-ÖØ-Þİ][\w’'-]+")
# How many earlier speakers a pronoun or role noun may reach back over.
RECENT = 50


_AFTER_MARKER = re.compile(r"(?:[’']s)?((?:[ \t]+[\w-]+){0,4})")
_WORD_PREFIX = re.compile(r"[\w-]*")


@dataclass
class Speaker:
    phrase: str
    actor: str
    display: str
    is_person: bool
    position: int = 0


ROLE_NOUNS = {
    "spokesman": ("spokesman", "spokeswoman", "spokesperson", "spokesmen", "spokespeople"),
    "spokeswoman": ("spokesman", "spokeswoman", "spokesperson"),
    "spokesperson": ("spokesman", "spokeswoman", "spokesperson"),
    "ministry": ("ministry",),
    "department": ("department",),
    "agency": ("agency", "unhcr", "unicef", "wfp", "ocha", "ohchr", "unrwa", "programme"),
    "mission": ("mission", "peacekeep"),
    "envoy": ("envoy", "ambassador", "representative"),
    "ambassador": ("ambassador", "envoy", "representative"),
    "minister": ("minister",),
    "official": ("official", "spokes", "minister", "envoy", "ambassador", "director", "secretary"),
    "diplomat": ("diplomat", "envoy", "ambassador", "minister", "secretary"),
    "source": ("source",),
    "sources": ("source",),
    "kremlin": ("kremlin",),
    "presidency": ("presidency", "president"),
    "president": ("president",),
    "director": ("director",),
    "secretary": ("secretary",),
    "office": ("office",),
    "organisation": ("united nations", "organisation", "organization"),
    "organization": ("united nations", "organisation", "organization"),
    "coordinator": ("coordinator",),
    "statement": ("ministry", "department", "kremlin", "office"),
}
PERSON_PRONOUNS = {"he", "she", "him", "her"}
INSTITUTIONS = (
    "ministry",
    "department",
    "kremlin",
    "office",
    "agency",
    "mission",
    "government",
    "council",
    "presidency",
    "united nations",
    "embassy",
    "moscow",
    "ankara",
    "washington",
)
ANY_PRONOUNS = {"they", "it"}


@lru_cache(maxsize=16)
def _titled(markers: str) -> re.Pattern[str]:
    """A name beside a title and an actor's word: "Kremlin spokesman Dmitry Peskov", "Anton Belsky,
    a Kremlin spokesman". Compiled once per alias set."""
    name = r"[A-ZÀ-ÖØ-Þİ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þİ][\w'’-]+){1,3}"
    return re.compile(
        rf"(?P<marker>{markers})(?:[’']s)?(?:\s+(?:{TITLE_LOWER}|[A-Z][\w-]+)){{0,6}}?,?\s+(?P<name>{name})"
        rf"|(?P<name2>{name}),\s+(?:(?:a|an|the)\s+)?(?:(?:{TITLE_LOWER}|[A-Z][\w’'-]+)\s+){{0,4}}?"
        rf"(?P<marker2>{markers})"
    )


@lru_cache(maxsize=8192)
def _clean(phrase: str) -> str:
    """The speaker phrase without openers, earlier clauses, the occasion or an appositive."""
    phrase = _SPACES.sub(" ", phrase).strip(" ,—–-")
    phrase = LEADING_ADVERBIAL.sub("", phrase)
    phrase = _LAST_CLAUSE.split(phrase)[-1]
    phrase = _CONJUNCTION.sub("", phrase)
    phrase = _OCCASION.sub("", phrase)
    return _APPOSITIVE.sub("", phrase)


@lru_cache(maxsize=4096)
def _names_role(phrase: str, nouns: tuple[str, ...]) -> bool:
    lowered = phrase.lower()
    return any(noun in lowered for noun in nouns)


def role_head(lowered: str) -> str | None:
    """The role noun of a definite phrase like "the spokesman" or "the ministry", if any."""
    words = _WORDS.findall(lowered)
    if not words or len(words) > 4 or words[0] not in ("the", "its", "his", "her", "their", "a", "an"):
        return None
    for word in reversed(words):
        if word in ROLE_NOUNS and (words[0] not in ("a", "an") or word in _INDEFINITE_ROLES):
            return word
    return None


# "a ministry statement", "a department statement": an institution already named, though "a".
_INDEFINITE_ROLES = {"statement", "ministry", "department", "office"}


class SpeakerTracker:
    """The speakers met so far in one article, for pronouns, roles and surnames."""

    def __init__(self, text: str, aliases: dict[str, str]) -> None:
        self.text = text
        self.markers = Markers(aliases)
        self.people: dict[str, str] = {}
        self.speakers: list[Speaker] = []
        self.mentions: list[Speaker] = []
        self.full_names: dict[str, str] = {}
        self.unmarked: set[str] = set()
        self._names: dict[str, str | None] = {}
        # Every marker in the article, found once; role windows per noun set are built on demand.
        self._markers_found = [(m.start(), m.end(), m.group(0)) for m in self.markers.pattern.finditer(text)]
        self._meet_people()
        self.mentions.sort(key=lambda m: m.position)
        self._mention_starts = [m.position for m in self.mentions]
        self._role_windows: dict[tuple[str, ...], tuple[list[int], list[tuple[str, str]]]] = {}

    def _meet_people(self) -> None:
        """Note who the article names in full or by title, so that a bare surname later can count.

        "Kremlin spokesman Dmitry Peskov" and "Dmitry Peskov" both introduce "Peskov"; so does
        "Anton Belsky, a Kremlin spokesman" for a name the alias table does not know.
        """
        for word in dict.fromkeys(word for _, _, word in self._markers_found):
            # The table's surnames, wherever they stand in the name ("Ban" of "Ban Ki-moon").
            parts = word.split()
            for part in parts if len(parts) > 1 else ():
                if part in self.markers.bare_surnames:
                    self.people.setdefault(part, self.markers.actor_of[word])
                    self.full_names.setdefault(part, word)
        for match in _titled(self.markers.pattern.pattern).finditer(self.text):
            marker = match.group("marker") or match.group("marker2")
            found = person_name(match.group("name") or match.group("name2"), self.markers)
            actor = self.markers.actor_of.get(marker)
            if found and actor in ACTORS and len(found.split()) > 1:
                self.people.setdefault(found, actor)
                self.people.setdefault(found.split()[-1], actor)
                self.full_names.setdefault(found.split()[-1], found)
                self.mentions.append(Speaker(match.group(0), actor, found, is_person=True, position=match.start()))

    def resolve(self, phrase: str, position: int, remember: bool = True) -> Speaker | None:
        """The speaker a phrase at `position` names: a new one, or an earlier one by pronoun, role noun or surname."""
        phrase = _clean(phrase)
        if not phrase or len(phrase.split()) > 18:
            return None
        lowered = phrase.lower()
        if lowered in PERSON_PRONOUNS:
            spoken = next((s for s in self._recent() if s.is_person), None)
            before = bisect_left(self._mention_starts, position)
            named = self.mentions[before - 1] if before else None
            if (
                named
                and (spoken is None or named.position > spoken.position)
                and named.display != (spoken.display if spoken else None)
            ):
                return self._again(named, position)
            return self._again(spoken, position) if spoken else None
        if lowered in ANY_PRONOUNS:
            return self._by_role(INSTITUTIONS, position) or self._latest(lambda s: True, position)
        actor, word = self.markers.first(phrase, self.people)
        if phrase not in self._names:
            self._names[phrase] = person_name(phrase, self.markers)
        name = self._names[phrase] or (phrase if phrase in self.people else None)
        if word in self.unmarked:
            actor = None  # a name nothing tied to an actor yet: an official's role may still do it
        possessor = _POSSESSOR.match(lowered)
        if possessor and possessor.group(1) in ROLE_NOUNS:
            earlier = self._by_role(ROLE_NOUNS[possessor.group(1)], position)
            if earlier is not None and earlier.actor in ACTORS:
                actor = earlier.actor
                if name is not None:
                    self.unmarked -= {name, name.split()[-1]}
        if actor is None:
            head = role_head(lowered)
            if head is not None:
                earlier = self._by_role(ROLE_NOUNS[head], position)
                if earlier is not None:
                    return earlier
            if name is None and not _CAPITAL.search(phrase):
                if head is not None or not _UNNAMED_ROLE.match(lowered) or not PERSON_ROLES.search(phrase):
                    return None
                # "the country's public prosecutor": nobody of the four, but a later "he" means them.
                speaker = Speaker(phrase, OTHER_ACTOR, phrase, True, position)
                if remember:
                    self.speakers.append(speaker)
                return speaker
            actor = OTHER_ACTOR
            if name is not None and len(name.split()) > 1 and phrase == name:
                # "The UN envoy said ... Ghassan Salame said": a new name right after an unnamed
                # official of one of the four is that official.
                last = next((s for s in islice(reversed(self.speakers), 3) if s.is_person), None)
                if last and last.actor in ACTORS and last.is_person and last.display == last.phrase:
                    actor = last.actor
                    self.people[name] = self.people[name.split()[-1]] = actor
                    self.unmarked -= {name, name.split()[-1]}
                else:
                    self.unmarked |= {name, name.split()[-1]}
        if name is not None:
            self.people.setdefault(name, actor)
            surname = name.split()[-1]
            if len(name.split()) > 1:
                self.people.setdefault(surname, actor)
                self.full_names.setdefault(surname, name)
            name = self.full_names.get(name, name)
        is_person = name is not None or bool(PERSON_ROLES.search(phrase) or _SINGLE_NAME.fullmatch(phrase))
        if _SINGLE_NAME.fullmatch(phrase) and phrase in self.markers.places:
            is_person = False
        speaker = Speaker(phrase, actor, name or phrase, is_person=is_person, position=position)
        if remember:
            self.speakers.append(speaker)
        return speaker

    def latest(self, position: int) -> Speaker | None:
        """The most recent speaker, heard again at `position`."""
        return self._latest(lambda s: True, position)

    def _recent(self):
        return islice(reversed(self.speakers), RECENT)

    def _latest(self, fits, position: int) -> Speaker | None:
        for speaker in self._recent():
            if fits(speaker):
                return self._again(speaker, position)
        return None

    def _again(self, speaker: Speaker, position: int) -> Speaker:
        """The same speaker, heard again here: the most recent is what a later "he" or role means."""
        speaker = Speaker(speaker.phrase, speaker.actor, speaker.display, speaker.is_person, position)
        self.speakers.append(speaker)
        return speaker

    def _windows(self, nouns: tuple[str, ...]) -> tuple[list[int], list[tuple[str, str]]]:
        """Where the article mentions an institution a role noun can mean: "Turkey's Defence Ministry"."""
        if nouns not in self._role_windows:
            starts, found = [], []
            for start, end, word in self._markers_found:
                after = _AFTER_MARKER.match(self.text[end : end + 60])
                window = word + after.group(0)  # type: ignore[union-attr]  # both patterns match the empty string
                ends = [window.lower().find(n) + len(n) for n in nouns if n in window.lower()]
                if ends:
                    cut = len(_WORD_PREFIX.match(window[max(ends) :]).group(0))  # type: ignore[union-attr]
                    starts.append(start)
                    found.append((window[: max(max(ends) + cut, len(word))], self.markers.actor_of[word]))
            self._role_windows[nouns] = (starts, found)
        return self._role_windows[nouns]

    def _by_role(self, nouns: tuple[str, ...], position: int) -> Speaker | None:
        """The nearest earlier speaker, or institution merely mentioned, that a role noun can mean.

        "Turkey's Defence Ministry gave a different account. [...] the ministry said" means
        Turkey's ministry even though it had not spoken before.
        """
        spoken = next((s for s in self._recent() if _names_role(s.phrase, nouns)), None)
        starts, found = self._windows(nouns)
        # A window that starts before the phrase but runs past it still counts, as it did when scanned.
        before = bisect_left(starts, position)
        if before and (spoken is None or starts[before - 1] > spoken.position):
            phrase, actor = found[before - 1]
            speaker = Speaker(phrase.strip(), actor, phrase.strip(), is_person=False, position=position)
            self.speakers.append(speaker)
            return speaker
        return self._again(spoken, position) if spoken else None
