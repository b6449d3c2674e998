"""Statements: the quoted passages and reported clauses of an article, each with its speaker and span."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from itertools import pairwise

from stance.extraction import segment
from stance.extraction.grammar import (
    ACT,
    ADDING,
    ADVERBIAL,
    CONTINUATION,
    HEAD,
    HEADLINE,
    LEADING_ADVERBIAL,
    MIDDLE,
    OBJECT_THEN_THAT,
    OCCASION,
    PROGRESSIVE,
    SECOND_CLAUSE,
    SECOND_SPEAKER,
    SPEAKER_AFTER,
    SPEAKER_BEFORE,
    TAIL,
    TAIL_ACCORDING,
    THAT,
    VERB,
    WARN_OF,
)
from stance.extraction.speakers import Speaker, SpeakerTracker, role_head
from stance.schema import ACTORS


@dataclass(frozen=True)
class Statement:
    """One statement found in an article: its words, speaker, actor, span and reporting verb.

    `statement_id` is stable for the same article text and span; `duplicate_of` names the first
    statement with the same words when the article repeats one (a caption repeating the lede).
    """

    text: str
    actor: str
    speaker: str
    form: str
    start: int
    end: int
    verb: str = ""
    statement_id: str = ""
    duplicate_of: str = ""


# A paragraph that ends like a sentence; one that does not is a headline or page furniture.
_ENDS_SENTENCE = re.compile(r"[.!?”\"’:]\s*$")
# A long line that stops on a small word was cut off mid-sentence: story, not a caption's credit.
_CUT_OFF = re.compile(r"[a-z,]\s*$")
# A live-blog entry starts with its time: "16:48 GMT", "10.05am".
_TIME_STAMP = re.compile(r"\s*\d{1,2}[:.]\d{2}\b")
# A paragraph this long is the story itself, not a standfirst or a headline (even when the copy
# was cut off before its last full stop).
_STORY_WORDS = 30
# A headline, standfirst or key-events line holds several: "A denies X; B urges Y", "- C calls for Z".
_HEADLINE_PART = re.compile(r"(?:^|;\s*|\s+[|•]\s+|\n\s*)(?:[-•*–]\s+)?([^;|•\n]+)")
# Where a headline's second clause may start: "..., but Ankara says ...", "... as Russia denies ...".
_HEADLINE_CLAUSE = re.compile(r",\s*(?:but|while|and|as)\s+|\s+(?:as|while)\s+")
# "Thousands more displaced, says UN", "US regrets ...: Blinken".
_HEADLINE_TAIL = re.compile(
    r"(?:,\s*(?P<verb>says|said|warns|insists)\s+|:\s*)(?P<speaker>(?:[\w.’'-]+\s+){0,4}[\w.’'-]+)\s*$"
)
# A quotation closed by a comma and followed by who said it: ‘... to “act,” the spokesperson said’.
_CLOSE_THEN_ATTRIBUTION = re.compile(r"(?:,[”\"’]|[”\"’],)\s+\S")
_PARTIAL_AFTER = re.compile(
    r"(?:called|calls|call|described as|termed|dubbed|branded|as|of|a|an|the|its|their|his|her)\s*$"
)
_COLON_OR_COMMA_END = re.compile(r"[:,]\s*$")
_POSSESSIVE = re.compile(r"(?:his|her|its|their)\b", re.I)
_ACT_VERB = re.compile(rf"{ACT}|{WARN_OF}|{PROGRESSIVE}")
_SKIP_ADVERBIAL = re.compile(rf"{ADVERBIAL}\s*(?:,\s*)?")


class _Reader:
    """Walks one article paragraph by paragraph and sentence by sentence."""

    def __init__(self, text: str, aliases: dict[str, str]) -> None:
        self.text = text
        self.tracker = SpeakerTracker(text, aliases)
        self.position = 0

    def resolve(self, phrase: str) -> Speaker | None:
        return self.tracker.resolve(phrase, self.position)

    def read(self) -> list[Statement]:
        found: list[Statement] = []
        carried_open = False
        in_story = False
        for p_start, p_end in segment.paragraphs(self.text):
            words = len(self.text[p_start:p_end].split())
            cut_off = "\n" not in self.text[p_start:p_end].strip() and _CUT_OFF.search(self.text, p_start, p_end)
            if not _ENDS_SENTENCE.search(self.text, p_start, p_end) and (words < _STORY_WORDS or not cut_off):
                # A headline, standfirst, caption or other line of page furniture: only a headline's
                # "Kremlin denies role in ..." is a statement; it never becomes a speaker for later.
                # Headlines come before the story or under a live-blog time stamp; the unpunctuated
                # lines after the story starts are captions, boxes and links to other stories.
                live = _TIME_STAMP.match(self.text, p_start, p_end)
                if not carried_open and (not in_story or live):
                    for h_start, h_end in _headline_parts(self.text, p_start, p_end):
                        found.extend(self._headline(h_start, h_end))
                continue
            if segment.is_clutter(self.text, p_start, p_end):
                continue
            in_story = in_story or words >= _STORY_WORDS
            p_start = segment.after_dateline(self.text, p_start, p_end)
            quotes, carried_open = segment.quotes(self.text, p_start, p_end, carried_open)
            quotes = [q for q in quotes if self.text[q[0] : q[1]].strip()]
            full = [q for q in quotes if not self._is_partial(q, p_start)]
            for s_start, s_end in segment.sentences(self.text, p_start, p_end, quotes):
                self.position = s_start
                in_sentence = [q for q in full if s_start <= q[0] and q[1] <= s_end]
                if not in_sentence:
                    in_sentence = self._attributed_fragments(s_start, s_end, quotes)
                if in_sentence:
                    found.extend(self._direct(s_start, s_end, in_sentence))
                else:
                    found.extend(self._reported(s_start, s_end))
        return found

    def _headline(self, start: int, end: int) -> list[Statement]:
        """ "Kremlin denies role in ...", "UN chief urges restraint ...": an actor as subject, a present-tense act."""
        # "Zelensky asks ..., but Ankara says it has made no decision": the later clause may be the actor's.
        for clause in _HEADLINE_CLAUSE.finditer(self.text, start, end):
            later = HEADLINE.match(self.text, clause.end(), end)
            if later and self.tracker.markers.first(later.group("speaker"), self.tracker.people)[0] is not None:
                return self._headline(start, clause.start()) + self._headline(clause.end(), end)
        tail = _HEADLINE_TAIL.search(self.text, start, end)
        if tail and self.tracker.markers.first(tail.group("speaker"), self.tracker.people)[0] is not None:
            speaker = self.tracker.resolve(tail.group("speaker"), start, remember=False)
            if speaker is not None:
                own = HEADLINE.match(self.text, start, tail.start())
                verb = tail.group("verb") or (own.group("verb").lower() if own else "")
                return self._clauses(start, tail.start(), speaker, verb)
        if tail and not tail.group("verb"):
            end = tail.start()  # "...: Blinken" names who said it, even when nobody knows the name
        match = HEADLINE.match(self.text, start, end)
        if not match or self.tracker.markers.first(match.group("speaker"), self.tracker.people)[0] is None:
            return []
        self.position = start
        speaker = self.tracker.resolve(match.group("speaker"), start, remember=False)
        if speaker is None:
            return []
        verb = match.group("verb")
        if verb.lower() in ("says", "insists"):
            return self._clauses(match.end("verb"), end, speaker, verb.lower())
        return self._clauses(match.start("verb"), end, speaker, verb.lower())

    def _attributed_fragments(self, s_start: int, s_end: int, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Quoted fragments of a sentence that ends with its attribution (‘Guterres “is horrified” and asked ...
        to “act,” the spokesperson said’): each fragment is a direct statement of that speaker."""
        inside = [q for q in quotes if s_start <= q[0] and q[1] <= s_end]
        close = inside[-1][1] if inside else 0
        if not inside or not _CLOSE_THEN_ATTRIBUTION.match(self.text, close - (self.text[close - 1] == ","), s_end):
            return []
        if HEAD.match(self.text, s_start, inside[0][0]):
            return []  # "Erdogan said Turkey was working “to prevent ...,” the presidency said": reported
        after = SPEAKER_AFTER.match(self.text[inside[-1][1] + 1 : s_end])
        if not after or not re.search(r"[A-Z]|\b(?:he|she|the|its|his|her|a|an)\b", after.group(0)):
            return []
        return [q for q in inside if len(self.text[q[0] : q[1]].split()) >= 3]

    def _is_partial(self, quote: tuple[int, int], paragraph_start: int) -> bool:
        """A quote that is part of a reported clause ("what it called “baseless slander”")."""
        inner = self.text[quote[0] : quote[1]].strip()
        before = self.text[max(paragraph_start, quote[0] - 40) : quote[0] - 1]
        if _PARTIAL_AFTER.search(before):
            return True
        return inner[:1].islower() and not _COLON_OR_COMMA_END.search(before)

    def _direct(self, s_start: int, s_end: int, quotes: list[tuple[int, int]]) -> list[Statement]:
        """Each quoted passage of a sentence, attributed from around it or to the latest speaker."""
        text = self.text
        first_open = quotes[0][0] - 1
        last_close = quotes[-1][1] + 1
        speaker = None
        verb = ""
        between = [text[a[1] + 1 : b[0] - 1] for a, b in pairwise(quotes)]
        for gap in between:
            match = SPEAKER_AFTER.match(gap)
            if match:
                speaker = self.resolve(match.group("speaker1") or match.group("speaker2"))
                verb = _verb_of(match.group(0))
                break
        if speaker is None:
            after = text[last_close:s_end]
            match = SPEAKER_AFTER.match(after)
            if match:
                phrase = match.group("speaker1") or match.group("speaker2")
                if _POSSESSIVE.match(phrase.strip()) and not text[s_start:first_open].lstrip().startswith(("“", '"')):
                    # ‘X “...”, his spokesman said’: the spokesman speaks for the sentence's subject.
                    phrase = text[s_start:first_open] + " " + phrase
                speaker = self.resolve(phrase)
                verb = _verb_of(match.group(0))
        if speaker is None:
            before = text[s_start:first_open]
            match = SPEAKER_BEFORE.search(before)
            if match:
                speaker = self.resolve(match.group("speaker"))
                verb = match.group("verb")
        if speaker is None:
            speaker = self.tracker.latest(self.position)
        if speaker is None:
            return []
        statements = []
        for q_start, q_end in _split_at_inner_attribution(text, quotes):
            start, end = segment.trim(text, q_start, q_end, strip_final_stop=False)
            if end > start:
                statements.append(
                    Statement(text[start:end], speaker.actor, speaker.display, "direct", start, end, verb)
                )
        # “...,” she said, adding that ...: the reported clause after the attribution is a statement too.
        adding = ADDING.search(text, last_close, s_end)
        if adding:
            begin = adding.start("participle") if adding.group("participle") else adding.end()
            statements += self._clauses(begin, s_end, speaker, _verb_of(adding.group(0)))
        return statements

    def _reported(self, s_start: int, s_end: int) -> list[Statement]:
        """A reported clause: "X said (that) ...", "X denied ...", "according to X, ...", "..., X said"."""
        text = self.text
        sentence = text[s_start:s_end]
        # "..., the ministry said." / "..., said the ministry."
        tail = TAIL.search(sentence)
        if tail:
            phrase = tail.group("speaker1") or tail.group("speaker2")
            if _POSSESSIVE.match(phrase.strip()):
                # "X called for ..., his spokesman said": the spokesman speaks for the clause's subject.
                phrase = sentence[: tail.start()] + " " + phrase
            speaker = self.resolve(phrase)
            if speaker is not None:
                return self._clauses(s_start, s_start + tail.start(), speaker, _verb_of(tail.group(0)))
        according_after = TAIL_ACCORDING.search(sentence)
        if according_after:
            speaker = self.resolve(according_after.group("speaker"))
            if speaker is not None:
                return self._clauses(s_start, s_start + according_after.start(), speaker, "according to")
        middle = MIDDLE.search(sentence)
        if middle and not HEAD.match(sentence[: middle.start()]):
            speaker = self.resolve(middle.group("speaker"))
            if speaker is not None:
                verb = middle.group("verb")
                statements = self._clauses(s_start, s_start + middle.start(), speaker, verb)
                # "..., he said, adding that ...": a second statement; "..., urging ...": the act is in it.
                if middle.group("say"):
                    begin = s_start + middle.end() + len(middle.group("say"))
                    statements += self._clauses(begin, s_end, speaker, _verb_of(middle.group("say")))
                elif middle.group("act"):
                    statements += self._clauses(s_start + middle.end(), s_end, speaker, middle.group("act"))
                return statements
        according = re.match(r"\s*According to (?P<speaker>[^,]{1,100}),\s*", sentence)
        if according:
            speaker = self.resolve(according.group("speaker"))
            if speaker is not None:
                return self._clauses(s_start + according.end(), s_end, speaker, "according to")
        opening = LEADING_ADVERBIAL.match(sentence)
        offset = opening.end() if opening else 0
        return self._headed(s_start + offset, s_end)

    def _headed(self, start: int, s_end: int) -> list[Statement]:
        """ "The ministry (also) said ...", "X denied ...", "The mission is demanding ..."."""
        text = self.text
        match = HEAD.match(text, start, s_end)
        if not match:
            return []
        speaker = self.resolve(match.group("speaker"))
        if speaker is None:
            return []
        verb_start = match.start("verb")
        verb_end = match.end("verb")
        verb = match.group("verb")
        if _ACT_VERB.fullmatch(verb):
            return self._clauses(verb_start, s_end, speaker, verb)
        rest = text[verb_end:s_end]
        skip = _SKIP_ADVERBIAL.match(rest)
        content = verb_end + (skip.end() if skip else 0)
        that = THAT.match(text, content, s_end) or OBJECT_THEN_THAT.match(text, content, s_end)
        if that:
            content = that.end()
        elif not (skip and skip.group(0).strip()) and match.group("verb") == "told":
            obj = re.match(
                r"\s*(?:[A-Z][\w-]*|reporters|journalists|lawmakers|the \w+|a \w+ \w+)\s*(?:that\s+)?",
                text[content:s_end],
            )
            if obj:
                content += obj.end()
        return self._clauses(content, s_end, speaker, match.group("verb"))

    def _names_a_speaker(self, phrase: str) -> bool:
        """Whether a phrase inside a span is a new subject that speaks: an actor's word or "the agency"."""
        if self.tracker.markers.first(phrase, self.tracker.people)[0] is not None:
            return True
        return role_head(phrase.lower()) is not None

    def _clauses(self, start: int, end: int, speaker: Speaker, verb: str) -> list[Statement]:
        """The statement(s) in a reported span: one per clause, so "..., and that ...", ", adding
        that ..." and "... and urged ..." start a second one."""
        text = self.text
        other = SECOND_SPEAKER.search(text, start, end)
        if other and self._names_a_speaker(other.group("speaker")):
            return self._clauses(start, other.start(), speaker, verb) + self._headed(other.start("speaker"), end)
        stop = CONTINUATION.search(text, start, end)
        while stop and segment.inside_quote(text, start, stop.start()):
            stop = CONTINUATION.search(text, stop.end(), end)
        if stop:
            end = stop.start()
        occasion = OCCASION.search(text, start, end)
        if occasion:
            end = occasion.start()
        cut = SECOND_CLAUSE.search(text, start, end)
        if cut and cut.group("act"):
            parts = [(start, cut.start(), verb), (cut.start("act"), end, cut.group("act"))]
        elif cut and cut.group("participle"):
            parts = [(start, cut.start(), verb), (cut.start("participle"), end, cut.group("participle"))]
        elif cut:
            parts = [(start, cut.start(), verb), (cut.end(), end, _verb_of(cut.group(0)) or verb)]
        else:
            parts = [(start, end, verb)]
        statements = []
        for part_start, part_end, part_verb in parts:
            a, b = segment.trim(text, part_start, part_end)
            if len(text[a:b].split()) >= 3:
                statements.append(Statement(text[a:b], speaker.actor, speaker.display, "reported", a, b, part_verb))
        return statements


_VERB_WORD = re.compile(rf"\b(?:{VERB}|adding|stressing|noting|warning|saying)\b")


# A quotation whose writer forgot to close it before the attribution: “We have X, he said. Y,” ...
_INNER_ATTRIBUTION = re.compile(r",\s+(?:he|she|they|it)\s+(?:said|added|says)\.\s+")


def _split_at_inner_attribution(text: str, quotes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Quotation spans, each cut in two where an attribution sits inside it."""
    spans = []
    for start, end in quotes:
        for inner in _INNER_ATTRIBUTION.finditer(text, start, end):
            spans.append((start, inner.start()))
            start = inner.end()
        spans.append((start, end))
    return spans


def _headline_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The clauses of an unpunctuated line: split at semicolons and bars, bullets dropped."""
    line = text[start:end]
    return [(start + match.start(1), start + match.end(1)) for match in _HEADLINE_PART.finditer(line)]


def _verb_of(attribution: str) -> str:
    """The reporting verb in an attribution phrase ("the ministry said Friday" -> "said")."""
    match = _VERB_WORD.search(attribution)
    return match.group(0) if match else ""


def _with_ids(text: str, statements: list[Statement]) -> list[Statement]:
    """Stamp each statement with a stable id and, when its words repeat an earlier one, `duplicate_of`."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    first: dict[tuple[str, str], str] = {}
    stamped = []
    for statement in statements:
        statement_id = hashlib.sha256(f"{digest}:{statement.start}:{statement.end}".encode()).hexdigest()[:12]
        key = (statement.actor, " ".join(statement.text.lower().split()).rstrip("."))
        duplicate_of = first.setdefault(key, statement_id)
        repeated = "" if duplicate_of == statement_id else duplicate_of
        s = statement
        stamped.append(Statement(s.text, s.actor, s.speaker, s.form, s.start, s.end, s.verb, statement_id, repeated))
    return stamped


def extract_statements(text: str, aliases: dict[str, str] | None = None, all_speakers: bool = False) -> list[Statement]:
    """Every statement in an article by the four actors (and by anyone, with `all_speakers`).

    `aliases` maps further names to actors (`read_aliases` reads them from a CSV file).
    """
    statements = _with_ids(text, _Reader(text, aliases or {}).read())
    if not all_speakers:
        statements = [s for s in statements if s.actor in ACTORS]
    return statements
