"""Finding the statements in a news article: who said what, quoted or reported, and where.

The extractor reads an article the way an analyst does: it finds the quoted passages and the
reported clauses ("the ministry said ...", "X denied ..."), finds who is speaking (before or after
the statement, or earlier by pronoun or role noun), and maps the speaker to one of the four actors
through the alias table. Every statement keeps its character offsets, `article[start:end] == text`,
so a reader can always go back to the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path

from stance.errors import StanceError
from stance.schema import ACTORS, OTHER_ACTOR

# ---------------------------------------------------------------------------------------------
# Who speaks for whom


@dataclass(frozen=True)
class Statement:
    """One statement found in an article, with its speaker, actor and span; a label once classified."""

    text: str
    actor: str
    speaker: str
    form: str
    start: int
    end: int
    label: str | None = None
    confidence: float | None = None
    probabilities: dict[str, float] | None = field(default=None, compare=False)


# The words by which news text names each actor (LABELLING.md). Case matters for US and UN.
ACTOR_MARKERS: dict[str, list[str]] = {
    "kremlin": [
        "Kremlin",
        "Moscow",
        "Russia",
        "Russian",
        "Russia's",
        "Vladimir Putin",
        "Putin",
        "Dmitry Peskov",
        "Peskov",
        "Sergei Lavrov",
        "Sergey Lavrov",
        "Lavrov",
        "Maria Zakharova",
        "Zakharova",
        "Vasily Nebenzya",
        "Vassily Nebenzia",
        "Nebenzya",
        "Nebenzia",
    ],
    "state_department": [
        "State Department",
        "Department of State",
        "Secretary of State",
        "Washington",
        "United States",
        "U.S.",
        "US",
        "American",
        "Antony Blinken",
        "Blinken",
        "Marco Rubio",
        "Rubio",
        "Mike Pompeo",
        "Pompeo",
        "Ned Price",
        "Matthew Miller",
        "Tammy Bruce",
    ],
    "un": [
        "United Nations",
        "UN",
        "U.N.",
        "Secretary-General",
        "Secretary General",
        "Security Council",
        "OCHA",
        "UNHCR",
        "OHCHR",
        "UNICEF",
        "WFP",
        "World Food Programme",
        "UNRWA",
        "UNIFIL",
        "MONUSCO",
        "MINUSMA",
        "UNMISS",
        "peacekeeping mission",
        "peacekeepers",
        "refugee agency",
        "humanitarian coordinator",
        "Antonio Guterres",
        "António Guterres",
        "Guterres",
        "Stephane Dujarric",
        "Stéphane Dujarric",
        "Dujarric",
        "Farhan Haq",
    ],
    "ankara": [
        "Ankara",
        "Turkey",
        "Türkiye",
        "Turkiye",
        "Turkish",
        "Turkey's",
        "Türkiye's",
        "Recep Tayyip Erdogan",
        "Erdogan",
        "Erdoğan",
        "Mevlut Cavusoglu",
        "Mevlüt Çavuşoğlu",
        "Cavusoglu",
        "Çavuşoğlu",
        "Hakan Fidan",
        "Fidan",
        "Hulusi Akar",
        "Akar",
        "Ibrahim Kalin",
        "İbrahim Kalın",
        "Kalin",
        "Kalın",
        "Fahrettin Altun",
        "Altun",
    ],
}
# Surnames of the built-in officials: a bare one counts only once the article has named the person
# in full or by title (DECISIONS.md): "Price said" means nothing on its own.
_BARE_SURNAMES = {
    "Putin",
    "Peskov",
    "Lavrov",
    "Zakharova",
    "Nebenzya",
    "Nebenzia",
    "Blinken",
    "Rubio",
    "Pompeo",
    "Guterres",
    "Dujarric",
    "Erdogan",
    "Erdoğan",
    "Cavusoglu",
    "Çavuşoğlu",
    "Fidan",
    "Akar",
    "Kalin",
    "Kalın",
    "Altun",
}
# Speakers that are clearly someone else: their marker settles the speaker as `other`.
OTHER_MARKERS = [
    "Ukraine",
    "Ukrainian",
    "Ukraine's",
    "Kyiv",
    "Kiev",
    "Israel",
    "Israeli",
    "Israel's",
    "Greece",
    "Greek",
    "Athens",
    "China",
    "Chinese",
    "China's",
    "Beijing",
    "Iran",
    "Iranian",
    "Tehran",
    "Syria",
    "Syrian",
    "Damascus",
    "Armenia",
    "Armenian",
    "Yerevan",
    "Azerbaijan",
    "Azerbaijani",
    "Baku",
    "Georgia",
    "Georgian",
    "Tbilisi",
    "Turkish Cypriot",
    "Turkish Cypriots",
    "Greek Cypriot",
    "Greek Cypriots",
    "Sudan",
    "Sudanese",
    "Libya",
    "Libyan",
    "Cyprus",
    "Cypriot",
    "Nicosia",
    "Egypt",
    "Egyptian",
    "Qatar",
    "Qatari",
    "Saudi",
    "France",
    "French",
    "Paris",
    "Britain",
    "British",
    "London",
    "Germany",
    "German",
    "Berlin",
    "European Union",
    "EU",
    "NATO",
    "Pentagon",
    "White House",
    "Hamas",
    "Hezbollah",
    "Houthi",
    "Houthis",
    "Taliban",
    "rebels",
    "rebel",
    "militia",
    "analyst",
    "analysts",
    "resident",
    "residents",
    "witness",
    "witnesses",
    "Residents",
    "Resident",
    "Analysts",
    "Analyst",
    "Witnesses",
    "Police",
    "police",
    "Prosecutors",
    "prosecutors",
    "local media",
    "media",
    "professor",
    "researcher",
    "Philippine",
    "Philippines",
    "Manila",
    "Vietnam",
    "Vietnamese",
    "Japan",
    "Japanese",
    "Korea",
    "Korean",
    "Pyongyang",
    "Seoul",
    "Taiwan",
    "Taipei",
    "Poland",
    "Polish",
    "Belarus",
    "Belarusian",
    "Minsk",
    "Serbia",
    "Serbian",
    "Kosovo",
    "Pristina",
    "Belgrade",
    "IAEA",
    "International Atomic Energy Agency",
    "Red Cross",
    "ICRC",
    "Amnesty",
    "Human Rights Watch",
    "Kurdish",
]
_ROLE_NOUNS = {
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
    "diplomat": ("diplomat", "envoy", "ambassador", "minister"),
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
_PERSON_PRONOUNS = {"he", "she", "him", "her"}
_INSTITUTIONS = (
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
_ANY_PRONOUNS = {"they", "it"}


def read_aliases(path: str | Path) -> dict[str, str]:
    """A user's `alias, actor` CSV: names of officials the built-in table does not know."""
    import csv

    path = Path(path)
    if not path.exists():
        raise StanceError(f"{path}: no such file")
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"alias", "actor"} <= set(reader.fieldnames):
                raise StanceError(f"{path}: an alias file needs the columns alias, actor")
            aliases = {}
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
                aliases[alias] = actor
    except UnicodeDecodeError:
        raise StanceError(f"{path}: bytes that are not UTF-8; save the file as UTF-8") from None
    return aliases


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


class _Markers:
    """One regular expression over every marker, so the first marker in a phrase decides its actor."""

    def __init__(self, user_aliases: dict[str, str]) -> None:
        self.actor_of: dict[str, str] = {}
        for actor, words in ACTOR_MARKERS.items():
            for word in words:
                self.actor_of[word] = actor
        for word in OTHER_MARKERS:
            self.actor_of.setdefault(word, OTHER_ACTOR)
        self.user = dict(user_aliases)
        # Words that name a place or an institution, never part of a person's name.
        self.places = {word for word in self.actor_of if " " not in word and word not in _BARE_SURNAMES}
        self.actor_of.update(self.user)
        self.pattern = re.compile(rf"(?<![\w-])(?:{_alternation(list(self.actor_of))})(?![\w-])")

    def first(self, phrase: str, known_people: dict[str, str]) -> tuple[str | None, str | None]:
        """(actor, the word that decided it) for the first marker in the phrase, or (None, None)."""
        for match in self.pattern.finditer(phrase):
            word = match.group(0)
            if word in _BARE_SURNAMES and word not in self.user and word not in known_people:
                continue
            return self.actor_of[word], word
        for name, actor in known_people.items():
            if re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", phrase):
                return actor, name
        return None, None


# ---------------------------------------------------------------------------------------------
# Reading the article

_SAY = (
    r"said|says|told|added|stressed|noted|warned|insisted|argued|claimed|stated|announced|declared|reiterated|"
    r"explained|maintained|wrote|posted|confirmed|acknowledged|replied|responded|cautioned|recalled|pointed out|"
    r"emphasised|emphasized|underlined|underscored|charged|alleged|complained|countered|retorted|asserted|"
    r"observed|remarked|suggested|went on|continued|concluded|predicted|estimated|reported|conceded|admitted|"
    r"reminded|assured|informed|briefed"
)
_ACT = (
    r"denied|denies|condemned|condemns|urged|urges|rejected|rejects|called for|called on|calls for|calls on|"
    r"dismissed|dismisses|accused|accuses|denounced|denounces|blamed|blames|demanded|demands|appealed|appeals|"
    r"deplored|deplores|criticised|criticized|criticises|criticizes|praised|welcomed|welcomes|expressed|expresses|"
    r"offered|offers|pledged|vowed|refused|hailed|thanked|voiced|lamented|regretted|branded|described|"
    r"ruled out|threatened|promised|asked|invited|proposed|reaffirmed|insisted on|encouraged|encourages"
)
_VERB = rf"(?:{_SAY}|{_ACT})"
_ADVERBIAL = (
    r"(?:\s*,?\s*(?:(?:late |early |earlier |later )?on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
    r"(?: (?:morning|afternoon|evening|night))?|(?:late |early )?(?:on )?(?:Monday|Tuesday|Wednesday|Thursday|Friday|"
    r"Saturday|Sunday) (?:morning|afternoon|evening|night)|yesterday|today|earlier|later|also|again|separately|"
    r"in (?:a|its|his|her|their) (?:written |separate |brief |short |televised )?(?:statement|briefing|interview|"
    r"speech|address|letter|post|note|message|comments?)(?: (?:to|with|on|at) [^,.:;“”\"]{1,40}?)?|"
    r"at (?:a|the|its|his|her|their) (?:daily |regular |weekly )?(?:news |press )?(?:conference|briefing|meeting|"
    r"session|summit)(?: (?:in|on|at|of) [^,.:;“”\"]{1,40}?)?|on (?:social media|state television|television|"
    r"Telegram|X|Twitter)|in (?:Ankara|Moscow|Washington|New York|Geneva|Istanbul|Brussels)|"
    r"(?:reporters|journalists|lawmakers|legislators|parliament|state (?:television|media|TV)|a (?:news|press) "
    r"(?:conference|briefing)|the (?:Security Council|General Assembly|council|assembly|parliament)|"
    r"(?:the )?[A-Z][\w-]+(?: [A-Z][\w-]+){0,3} (?:news agency|newspaper|television|radio|channel)|"
    r"(?:the )?(?:Anadolu|TASS|RIA Novosti|Reuters|Interfax)(?: news agency)?)))*"
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Lt|Col|Maj|Capt|Sgt|Adm|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|"
    r"Prof|Sen|Rep|Gov|vs|etc|approx)|\b[A-Z](?:\.[A-Z])+|\b[A-Z])\.$"
)
_OPENERS = '“"‘'
_CLOSERS = '”"’'
_LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:In|On|At|Later|Earlier|Separately|Meanwhile|However|But|And|Speaking|Asked|Responding|Writing|"
    r"Yesterday|Today|Last|This)\b[^,]{0,80},\s*)+"
)
_THAT = re.compile(r"\s*,?\s*that\b\s*")
# "told reporters that", "reminded Beijing that": an object of up to six words, then "that".
_OBJECT_THEN_THAT = re.compile(r"(?:[\w’'-]+\s+){1,6}?that\s+")


@dataclass
class _Speaker:
    phrase: str
    actor: str
    display: str
    is_person: bool
    position: int = 0


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Spans of paragraphs: blocks separated by blank lines, or single lines in a text that has none
    (copied web pages often put one paragraph on each line)."""
    pattern = r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*" if re.search(r"\n\s*\n", text) else r"[^\n]+"
    for match in re.finditer(pattern, text):
        if match.group(0).strip():
            yield match.start(), match.end()


def _quotes(text: str, start: int, end: int, carried: bool) -> tuple[list[tuple[int, int]], bool]:
    """Quoted passages of one paragraph as (inner start, inner end); whether the last stays open.

    Curly marks pair by their shape, straight ones by turns. A paragraph whose quote is never
    closed continues into the next paragraph, which in news style opens with a fresh mark.
    """
    spans = []
    opened: int | None = None
    i = start
    if carried and text[start] in '“"':
        opened = i = start + 1
    while i < end:
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
        i += 1
    still_open = opened is not None
    if still_open:
        spans.append((opened, end))
    return spans, still_open


def _is_inch_mark(text: str, i: int) -> bool:
    return text[i] == '"' and i > 0 and text[i - 1].isdigit()


def _sentences(text: str, start: int, end: int, quotes: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Sentence spans of a paragraph; a full stop inside a quotation does not end the sentence."""

    def inside_quote(position: int) -> bool:
        return any(q_start <= position < q_end for q_start, q_end in quotes)

    begin = start
    for match in re.finditer(r"[.!?][”\"’)]*\s+(?=[“\"A-Z0-9])", text[start:end]):
        stop = start + match.start()
        if inside_quote(stop):
            continue
        if _ABBREVIATIONS.search(text[begin : stop + 1]):
            continue
        cut = start + match.end()
        yield begin, cut
        begin = cut
    if begin < end:
        yield begin, end


def _trim(text: str, start: int, end: int, strip_final_stop: bool = True) -> tuple[int, int]:
    """Shrink a span past spaces, stray punctuation and quotation marks at either end."""
    while start < end and (text[start].isspace() or text[start] in ",;:—–-" + _OPENERS + _CLOSERS):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:—–-" + _OPENERS + _CLOSERS):
        end -= 1
    if strip_final_stop:
        while end > start and text[end - 1] in ".!":
            end -= 1
    return start, end


_SPEAKER_AFTER = re.compile(
    rf"^\s*[,.!?]?[”\"’]?\s*[,—–-]?\s*(?:(?:{_VERB})\s+(?P<speaker1>[^.;:“”\"]{{1,120}})"
    rf"|(?P<speaker2>[^.;:“”\"]{{1,100}}?)\s+(?:{_VERB})\b)"
)
_SPEAKER_BEFORE = re.compile(rf"(?P<speaker>[^.;“”\"]{{1,140}}?)\s+(?P<verb>{_VERB})\b[^.;“”\"]{{0,60}}?[:,]?\s*$")


# "..., the ministry said." / "..., said the ministry." at the end of a sentence.
_TAIL = re.compile(
    rf",\s*(?:(?P<speaker1>(?:[^\s,.;“”\"]+\s+){{0,7}}?[^\s,.;“”\"]+)\s+(?:{_SAY}){_ADVERBIAL}"
    rf"(?:\s+(?:in|on|at|to|during|after|before|via|through|from)\b[^,.;:“”\"]{{0,60}})?"
    rf"|(?:{_SAY})\s+(?P<speaker2>(?:[A-Z]|(?:the|a|an|his|her|its|their)\s)(?:[^\s,.;“”\"]+\s+){{0,7}}?[^\s,.;“”\"]+)"
    rf"{_ADVERBIAL})\s*[.!]?[”\"’]?\s*$"
)
# "The ministry (also) said ..." / "X denied ...": a subject, then the first reporting verb.
_HEAD = re.compile(
    rf"(?P<speaker>[^;:“”\"]{{1,160}}?)\s+(?:(?:has|have|had|also|again|later|swiftly|quickly|firmly|strongly|"
    rf"flatly)\s+)*(?P<verb>{_VERB})\b"
)
# Where a reported span holds a second statement: "..., and that ...", "... and denied ...", ", adding that".
_SECOND_CLAUSE = re.compile(
    rf",?\s+(?:(?:and|but)\s+(?:also\s+)?(?:(?P<act>{_ACT})\b|(?:{_SAY})\b{_ADVERBIAL}\s*(?:that\s+)?)"
    r"|and that\s+|(?:adding|stressing|noting|warning|saying) that\s+)"
)

# “...,” she said, adding that ...
_ADDING = re.compile(r",?\s+(?:adding|and added|stressing|noting|warning) that\s+")


class _Reader:
    """Walks one article, remembering the speakers met so far for pronouns, roles and surnames."""

    def __init__(self, text: str, aliases: dict[str, str]) -> None:
        self.text = text
        self.markers = _Markers(aliases)
        self.people: dict[str, str] = {}
        self.speakers: list[_Speaker] = []
        self.position = 0
        self.mentions: list[_Speaker] = []
        self.full_names: dict[str, str] = {}
        self._meet_people()

    def _meet_people(self) -> None:
        """Note who the article names in full or by title, so that a bare surname later can count.

        "Kremlin spokesman Dmitry Peskov" and "Dmitry Peskov" both introduce "Peskov"; so does
        "Anton Belsky, a Kremlin spokesman" for a name the alias table does not know.
        """
        for word, actor in self.markers.actor_of.items():
            parts = word.split()
            if len(parts) > 1 and parts[-1] in _BARE_SURNAMES and word in self.text:
                self.people.setdefault(parts[-1], actor)
                self.full_names.setdefault(parts[-1], word)
        name = r"[A-ZÀ-ÖØ-Þİ][\w'’-]+(?:\s+[A-ZÀ-ÖØ-Þİ][\w'’-]+){1,3}"
        markers = self.markers.pattern.pattern
        titled = re.compile(
            rf"(?P<marker>{markers})(?:[’']s)?(?:\s+(?:{_TITLE_LOWER}|[A-Z][\w-]+)){{0,6}}?,?\s+(?P<name>{name})"
            rf"|(?P<name2>{name}),\s+(?:(?:a|an|the)\s+)?(?:(?:{_TITLE_LOWER}|[A-Z][\w’'-]+)\s+){{0,4}}?"
            rf"(?P<marker2>{markers})"
        )
        for match in titled.finditer(self.text):
            marker = match.group("marker") or match.group("marker2")
            found = _person_name(match.group("name") or match.group("name2"), self.markers)
            actor = self.markers.actor_of.get(marker)
            if found and actor in ACTORS and len(found.split()) > 1:
                self.people.setdefault(found, actor)
                self.people.setdefault(found.split()[-1], actor)
                self.full_names.setdefault(found.split()[-1], found)
                self.mentions.append(_Speaker(match.group(0), actor, found, is_person=True, position=match.start()))

    # -- speakers --------------------------------------------------------------------------------

    def resolve(self, phrase: str) -> _Speaker | None:
        """The speaker a phrase names: a new one, or an earlier one by pronoun, role noun or surname."""
        phrase = re.sub(r"\s+", " ", phrase).strip(" ,—–-")
        phrase = _LEADING_ADVERBIAL.sub("", phrase)
        phrase = re.split(r",\s+(?:and|but|while)\s+|;\s+", phrase)[-1]
        phrase = re.sub(r"^(?:and|but|while|as|who|which|where)\s+", "", phrase, flags=re.I)
        if not phrase or len(phrase.split()) > 18:
            return None
        lowered = phrase.lower()
        if lowered in _PERSON_PRONOUNS:
            spoken = next((s for s in reversed(self.speakers) if s.is_person), None)
            named = next((m for m in reversed(self.mentions) if m.position < self.position), None)
            if (
                named
                and (spoken is None or named.position > spoken.position)
                and named.display != (spoken.display if spoken else None)
            ):
                return self._again(named)
            return self._again(spoken) if spoken else None
        if lowered in _ANY_PRONOUNS:
            return self._by_role(_INSTITUTIONS) or self._latest(lambda s: True)
        actor, _ = self.markers.first(phrase, self.people)
        name = _person_name(phrase, self.markers) or (phrase if phrase in self.people else None)
        if actor is None:
            head = _role_head(lowered)
            if head is not None:
                earlier = self._by_role(_ROLE_NOUNS[head])
                if earlier is not None:
                    return earlier
            if name is None and not re.search(r"[A-Z]", phrase):
                return None
            actor = OTHER_ACTOR
        if name is not None:
            self.people.setdefault(name, actor)
            surname = name.split()[-1]
            if len(name.split()) > 1:
                self.people.setdefault(surname, actor)
                self.full_names.setdefault(surname, name)
            name = self.full_names.get(name, name)
        is_person = name is not None or bool(_PERSON_ROLES.search(phrase))
        speaker = _Speaker(phrase, actor, name or phrase, is_person=is_person, position=self.position)
        self.speakers.append(speaker)
        return speaker

    def _latest(self, fits) -> _Speaker | None:
        for speaker in reversed(self.speakers):
            if fits(speaker):
                return self._again(speaker)
        return None

    def _again(self, speaker: _Speaker) -> _Speaker:
        """The same speaker, heard again here: the most recent is what a later "he" or role means."""
        speaker = replace(speaker, position=self.position)
        self.speakers.append(speaker)
        return speaker

    def _by_role(self, nouns: tuple[str, ...]) -> _Speaker | None:
        """The nearest earlier speaker, or institution merely mentioned, that a role noun can mean.

        "Turkey's Defence Ministry gave a different account. [...] the ministry said" means
        Turkey's ministry even though it had not spoken before.
        """
        spoken = next((s for s in reversed(self.speakers) if any(n in s.phrase.lower() for n in nouns)), None)
        mentioned = None
        for match in self.markers.pattern.finditer(self.text, 0, self.position):
            actor = self.markers.actor_of[match.group(0)]
            after = re.match(r"(?:[’']s)?((?:\s+[\w-]+){0,4})", self.text[match.end() : match.end() + 60])
            window = match.group(0) + after.group(0)
            ends = [window.lower().find(n) + len(n) for n in nouns if n in window.lower()]
            if ends:
                cut = re.match(r"[\w-]*", window[max(ends) :]).end()
                mentioned = (match.start(), window[: max(ends) + cut], actor)
        if mentioned and (spoken is None or mentioned[0] > spoken.position):
            _, phrase, actor = mentioned
            speaker = _Speaker(phrase.strip(), actor, phrase.strip(), is_person=False, position=self.position)
            self.speakers.append(speaker)
            return speaker
        return self._again(spoken) if spoken else None

    # -- statements ------------------------------------------------------------------------------

    def read(self) -> list[Statement]:
        found: list[Statement] = []
        carried_open = False
        for number, (p_start, p_end) in enumerate(_paragraphs(self.text)):
            if number == 0 and not re.search(r"[.!?”\"’]\s*$", self.text[p_start:p_end]):
                continue  # a headline: no speaker, no sentence
            quotes, carried_open = _quotes(self.text, p_start, p_end, carried_open)
            quotes = [q for q in quotes if self.text[q[0] : q[1]].strip()]
            full = [q for q in quotes if not self._is_partial(q, p_start)]
            for s_start, s_end in _sentences(self.text, p_start, p_end, quotes):
                self.position = s_start
                in_sentence = [q for q in full if s_start <= q[0] and q[1] <= s_end]
                if in_sentence:
                    found.extend(self._direct(s_start, s_end, in_sentence))
                else:
                    found.extend(self._reported(s_start, s_end))
        return found

    def _is_partial(self, quote: tuple[int, int], paragraph_start: int) -> bool:
        """A quote that is part of a reported clause ("what it called “baseless slander”")."""
        inner = self.text[quote[0] : quote[1]].strip()
        before = self.text[max(paragraph_start, quote[0] - 40) : quote[0] - 1]
        if re.search(
            r"(?:called|calls|call|described as|termed|dubbed|branded|as|of|a|an|the|its|their|his|her)\s*$", before
        ):
            return True
        return inner[:1].islower() and not re.search(r"[:,]\s*$", before)

    def _direct(self, s_start: int, s_end: int, quotes: list[tuple[int, int]]) -> list[Statement]:
        """Each quoted passage of a sentence, attributed from around it or to the latest speaker."""
        text = self.text
        first_open = quotes[0][0] - 1
        last_close = quotes[-1][1] + 1
        speaker = None
        between = [text[a[1] + 1 : b[0] - 1] for a, b in pairwise(quotes)]
        for gap in between:
            match = _SPEAKER_AFTER.match(gap)
            if match:
                speaker = self.resolve(match.group("speaker1") or match.group("speaker2"))
                break
        if speaker is None:
            after = text[last_close:s_end]
            match = _SPEAKER_AFTER.match(after)
            if match:
                speaker = self.resolve(match.group("speaker1") or match.group("speaker2"))
        if speaker is None:
            before = text[s_start:first_open]
            match = _SPEAKER_BEFORE.search(before)
            if match:
                speaker = self.resolve(match.group("speaker"))
        if speaker is None and self.speakers:
            speaker = self._latest(lambda s: True)
        if speaker is None:
            return []
        statements = []
        for q_start, q_end in quotes:
            start, end = _trim(text, q_start, q_end, strip_final_stop=False)
            if end > start:
                statements.append(Statement(text[start:end], speaker.actor, speaker.display, "direct", start, end))
        # “...,” she said, adding that ...: the reported clause after the attribution is a statement too.
        adding = _ADDING.search(text, last_close, s_end)
        if adding:
            statements += self._clauses(adding.end(), s_end, speaker)
        return statements

    def _reported(self, s_start: int, s_end: int) -> list[Statement]:
        """A reported clause: "X said (that) ...", "X denied ...", "according to X, ...", "..., X said"."""
        text = self.text
        sentence = text[s_start:s_end]
        # "..., the ministry said." / "..., said the ministry."
        tail = _TAIL.search(sentence)
        if tail:
            phrase = tail.group("speaker1") or tail.group("speaker2")
            if re.match(r"(?:his|her|its|their)\b", phrase.strip(), re.I):
                # "X called for ..., his spokesman said": the spokesman speaks for the clause's subject.
                phrase = sentence[: tail.start()] + " " + phrase
            speaker = self.resolve(phrase)
            if speaker is not None:
                return self._clauses(s_start, s_start + tail.start(), speaker)
        according = re.match(r"\s*According to (?P<speaker>[^,]{1,100}),\s*", sentence)
        if according:
            speaker = self.resolve(according.group("speaker"))
            if speaker is not None:
                return self._clauses(s_start + according.end(), s_end, speaker)
        opening = _LEADING_ADVERBIAL.match(sentence)
        offset = opening.end() if opening else 0
        match = _HEAD.match(sentence, offset)
        if not match:
            return []
        speaker = self.resolve(match.group("speaker"))
        if speaker is None:
            return []
        verb_start = s_start + match.start("verb")
        verb_end = s_start + match.end("verb")
        if re.fullmatch(_ACT, match.group("verb")):
            return self._clauses(verb_start, s_end, speaker)
        rest = text[verb_end:s_end]
        skip = re.match(rf"{_ADVERBIAL}\s*(?:,\s*)?", rest)
        content = verb_end + (skip.end() if skip else 0)
        that = _THAT.match(text, content, s_end) or _OBJECT_THEN_THAT.match(text, content, s_end)
        if that:
            content = that.end()
        elif match.group("verb") == "told":
            obj = re.match(
                r"\s*(?:[A-Z][\w-]*|reporters|journalists|lawmakers|the \w+|a \w+ \w+)\s*(?:that\s+)?",
                text[content:s_end],
            )
            if obj:
                content += obj.end()
        return self._clauses(content, s_end, speaker)

    def _clauses(self, start: int, end: int, speaker: _Speaker) -> list[Statement]:
        """The statement(s) in a reported span: one per clause, so "..., and that ...", ", adding
        that ..." and "... and urged ..." start a second one."""
        text = self.text
        cut = _SECOND_CLAUSE.search(text, start, end)
        if cut and cut.group("act"):
            parts = [(start, cut.start()), (cut.start("act"), end)]
        elif cut:
            parts = [(start, cut.start()), (cut.end(), end)]
        else:
            parts = [(start, end)]
        statements = []
        for part_start, part_end in parts:
            a, b = _trim(text, part_start, part_end)
            if len(text[a:b].split()) >= 3:
                statements.append(Statement(text[a:b], speaker.actor, speaker.display, "reported", a, b))
        return statements


_PERSON_ROLES = re.compile(
    r"\b(?:spokes(?:man|woman|person)|minister|ambassador|envoy|official|director|secretary|president|"
    r"coordinator|commissioner|representative|diplomat|adviser|advisor|chief|commander|general)\b",
    re.I,
)


def _role_head(lowered: str) -> str | None:
    """The role noun of a definite phrase like "the spokesman" or "the ministry", if any."""
    words = re.findall(r"[a-z-]+", lowered)
    if not words or len(words) > 4 or words[0] not in ("the", "its", "his", "her", "their"):
        return None
    for word in reversed(words):
        if word in _ROLE_NOUNS:
            return word
    return None


_TITLE_LOWER = (
    r"spokes(?:man|woman|person)|minister|ministry|envoy|ambassador|official|director|secretary|representative|"
    r"coordinator|adviser|advisor|diplomat|chief|head|deputy|foreign|defence|defense|communications|special|"
    r"permanent|senior|presidential|president|for|to|of|the|at|general|policy|affairs|cyber|humanitarian|political"
)
_TITLE_WORDS = {
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


def _person_name(phrase: str, markers: _Markers) -> str | None:
    """A person's name in a speaker phrase: two or more capitalised words that are not titles or places."""
    for match in re.finditer(
        r"(?:[A-ZÀ-ÖØ-Þİ][\w'’-]+)(?:\s+(?:(?:al|el|bin|ibn|de|da|van|von|der|du|la|le)[-\s])?[A-ZÀ-ÖØ-Þİ][\w'’-]+)+",
        phrase,
    ):
        words = [w for w in match.group(0).split() if w not in _TITLE_WORDS and w not in markers.places]
        if len(words) >= 2:
            return " ".join(words)
        if len(words) == 1 and (words[0] in markers.user or words[0] in _BARE_SURNAMES):
            return words[0]
    single = re.findall(r"\b[A-ZÀ-ÖØ-Þİ][\w'’-]+\b", phrase)
    for word in single:
        if markers.user.get(word):
            return word
    return None


def extract_statements(text: str, aliases: dict[str, str] | None = None, all_speakers: bool = False) -> list[Statement]:
    """Every statement in an article by the four actors (and by anyone, with `all_speakers`).

    `aliases` maps further names to actors (`read_aliases` reads them from a CSV file).
    """
    statements = _Reader(text, aliases or {}).read()
    if not all_speakers:
        statements = [s for s in statements if s.actor in ACTORS]
    return statements


def classify_statements(model, statements: list[Statement], min_confidence: float | None = None) -> list[Statement]:
    """The same statements with the model's label, confidence and probabilities."""
    predictions = model.predict([s.text for s in statements], min_confidence)
    return [
        replace(s, label=p.label, confidence=p.confidence, probabilities=p.probabilities)
        for s, p in zip(statements, predictions, strict=True)
    ]
