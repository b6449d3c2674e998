"""The reporting grammar: the verbs that report speech and the patterns around them, compiled once."""

from __future__ import annotations

import re

SAY = (
    r"said|says|told|added|stressed|noted|warned|insisted|argued|claimed|stated|announced|declared|reiterated|"
    r"explained|maintained|wrote|posted|confirmed|acknowledged|replied|responded|cautioned|recalled|pointed out|"
    r"emphasised|emphasized|underlined|underscored|charged|alleged|complained|countered|retorted|asserted|"
    r"observed|remarked|suggested|went on|continued|concluded|predicted|estimated|reported|conceded|admitted|"
    r"reminded|assured|informed|briefed|notified"
)
ACT = (
    r"denied|denies|condemned|condemns|urged|urges|rejected|rejects|called for|called on|calls for|calls on|"
    r"dismissed|dismisses|accused|accuses|denounced|denounces|blamed|blames|demanded|demands|appealed|appeals|"
    r"deplored|deplores|criticised|criticized|criticises|criticizes|praised|welcomed|welcomes|expressed|expresses|"
    r"offered|offers|pledged|vowed|refused|hailed|thanked|voiced|lamented|regretted|branded|described|"
    r"ruled out|threatened|promised|asked|invited|proposed|reaffirmed|insisted on|encouraged|encourages|"
    r"lashed out at|lashes out at|hit out at|hits out at|slammed|slams|blasted|blasts|regrets|decried|decries|"
    r"vows|pledges|threatens|hails|praises|rules out|called|calls"
)
# "warned of" and "warned against" report an act, not a clause: tried before the "warned" of SAY.
WARN_OF = r"warned of|warned against|warns of|warns against"
VERB = rf"(?:{WARN_OF}|{SAY}|{ACT})"
# "The mission is demanding ...": a progressive act, the span starts at the auxiliary.
PROGRESSIVE = r"(?:is|are|was|were) (?:demanding|urging|calling for|calling on|seeking|denying|rejecting|pressing for)"
# Participles that carry a second statement: "..., adding (that) ..." starts it after the participle,
# "..., urging ..." starts it at the participle (the act is part of the statement).
PARTICIPLE_SAY = r"adding|stressing|noting|warning|saying|insisting|arguing|explaining|emphasising|emphasizing"
PARTICIPLE_ACT = r"estimating|calling for|calling on|calling|urging|accusing|denying|rejecting|condemning|demanding"
ADVERBIAL = (
    r"(?:\s*,?\s*(?:(?:late |early |earlier |later )?(?:on )?"
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
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
LEADING_ADVERBIAL = re.compile(
    # A dateline first ("PRISTINA, May 11 (Wire) - "), then openers up to a comma.
    r"^(?:[A-Z][A-Z .'-]+,\s+(?:[A-Z][a-z]+\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]+)\s*(?:\([^)]{1,30}\)\s*)?[-–—]+\s*"
    r"|[A-Z][A-Z .'-]+\s*\([^)]{1,30}\)\s*[-–—]+\s*"
    r"|[A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,2}:\s+)?"
    r"(?:(?:In|On|At|Later|Earlier|Separately|Meanwhile|However|But|And|Speaking|Asked|Responding|Writing|"
    r"Yesterday|Today|Last|This|(?!Beijing)[A-Z][a-z]+ing)\b[^,]{0,80},\s*)*"
)
THAT = re.compile(r"\s*,?\s*that\b\s*")
# "told reporters that", "reminded Beijing that": an object of up to six words, then "that".
OBJECT_THEN_THAT = re.compile(r"(?:[\w’'-]+\s+){1,6}?that\s+")


SPEAKER_AFTER = re.compile(
    rf"^\s*[,.!?]?[”\"’]?\s*[,—–-]?\s*(?:(?:{VERB})\s+(?P<speaker1>[^.;:“”\"]{{1,120}})"
    rf"|(?P<speaker2>[^.;:“”\"]{{1,100}}?)\s+(?:{VERB})\b)"
)
SPEAKER_BEFORE = re.compile(rf"(?P<speaker>[^.;“”\"]{{1,140}}?)\s+(?P<verb>{VERB})\b[^.;“”\"]{{0,60}}?[:,]?\s*$")


# "..., the ministry said." / "..., said the ministry." at the end of a sentence.
TAIL = re.compile(
    rf",\s*(?:(?P<speaker1>(?:[^\s,;“”\"]+\s+){{0,7}}?[^\s,;“”\"]+)\s+(?:{SAY}){ADVERBIAL}"
    rf"(?:\s+(?:in|on|at|to|during|after|before|via|through|from)\b[^,.;:“”\"]{{0,60}})?"
    rf"|(?:{SAY})\s+(?P<speaker2>(?:[A-Z]|(?:the|a|an|his|her|its|their)\s)(?:[^\s,;“”\"]+\s+){{0,7}}?[^\s,;“”\"]+?)"
    rf"{ADVERBIAL})\s*[.!]?[”\"’]?\s*$"
)
# "..., according to State Department spokesman Matthew Miller."
TAIL_ACCORDING = re.compile(r",\s*according to (?P<speaker>[^,;“”\"]{1,100}?)\s*[.!]?[”\"’]?\s*$")
# "..., he said, adding that ..." / "..., the navy said Friday, a move that ...": an attribution
# in mid-sentence, with a second statement or the reporter's own words after it.
MIDDLE = re.compile(
    rf",\s*(?P<speaker>(?:[^\s,;“”\"]+\s+){{0,7}}?[^\s,;“”\"]+)\s+(?P<verb>{SAY}){ADVERBIAL}\s*,\s+"
    rf"(?=(?P<say>(?:{PARTICIPLE_SAY})(?:\s+that)?\s+)|(?P<act>{PARTICIPLE_ACT})\b|[a-z])"
)
# "The ministry (also) said ..." / "X denied ...": a subject, then the first reporting verb.
HEAD = re.compile(
    rf"(?P<speaker>[^;:“”\"]{{1,160}}?)\s+(?:(?:has|have|had|also|again|later|swiftly|quickly|firmly|strongly|"
    rf"flatly|[a-z]+ly)\s+)*(?<!been )(?<!was )(?<!were )(?<!is )(?<!are )(?<!be )(?P<verb>{PROGRESSIVE}|{VERB})\b"
)
# A headline's subject and present-tense act: "Kremlin denies role in ...", "UN Rejects ...".
HEADLINE = re.compile(
    r"\s*(?P<speaker>(?:[\w.’'-]+\s+){0,4}?[\w.’'-]+)\s+(?P<verb>denies|condemns|urges|rejects|slams|regrets|"
    r"warns|accuses|demands|calls for|calls on|welcomes|vows|pledges|threatens|blames|dismisses|criticises|"
    r"criticizes|hails|praises|denounces|decries|deplores|rules out|says|insists|lashes out at|hits out at|blasts|"
    r"backs|appeals for|pushes for|presses|suspends|halts|pauses|announces|vows)\b",
    re.I,
)
# Where a reported span holds a second statement: "..., and that ...", "... and denied ...", ", adding that".
SECOND_CLAUSE = re.compile(
    rf",?\s+(?:(?:and|but)\s+(?:also\s+)?(?:(?P<act>{ACT})\b|(?:{SAY})\b{ADVERBIAL}\s*(?:that\s+)?)"
    r"|and that\s+|(?:adding|stressing|noting|warning|saying) that\s+"
    rf"|(?<=,\s)(?:{PARTICIPLE_SAY})\s+(?!that\b)(?=[A-Za-z])|(?<=,\s)(?P<participle>(?:{PARTICIPLE_ACT}))\b)"
)
# Where the reporter takes over in a reported span: "..., bringing the toll to 54", "..., as the council
# met", "... mercenaries who are reported to have ...".
CONTINUATION = re.compile(
    r",\s+(?:a move|a step|a decision|a figure|an apparent|in a sign|as (?:the|a|an|[A-Z])|while|whereas|which|when|"
    r"(?:after|amid|following|despite) (?:the|a|an|[a-z]+s\b)|"
    r"(?!including\b|according\b|adding\b|stressing\b|noting\b|warning\b|saying\b|insisting\b|arguing\b|"
    r"estimating\b|calling\b|urging\b|accusing\b|denying\b|rejecting\b|condemning\b|demanding\b)[a-z]+ing\b)"
    r"|\s+(?:who|which|that) (?:are|were|is|was|have been|had been) (?:reported|said|believed|thought|alleged|known)\b"
)
# "... during a press conference on Wednesday": the occasion is not part of the statement.
OCCASION = re.compile(
    r"(?:\s+(?:during|at|in|after)\s+(?:a|an|the|his|her|its|their)\s+(?:[\w-]+\s+){0,3}(?:conference|briefing|"
    r"meeting|interview|statement|speech|session|summit|call|visit|address|appearance)\b[^,;“”\"]{0,60})+"
    r"\s*[.!]?\s*$"
)
# "..., while Turkey said ...": a second speaker inside a reported span.
SECOND_SPEAKER = re.compile(
    rf"(?:(?:,\s*|\s+)(?:and|while|but|whereas|as)\s+|;\s+)"
    rf"(?P<speaker>(?:(?!(?:and|or|but)\b)[\w’'.-]+\s+){{0,6}}?(?!(?:and|or|but)\b)[\w’'.-]+)\s+"
    rf"(?:(?:has|have|had|also|again|[a-z]+ly)\s+)*(?P<verb>{WARN_OF}|{SAY}|{ACT})\b"
)

# “...,” she said, adding that ...
ADDING = re.compile(
    rf",?\s+(?:(?:adding|and added|stressing|noting|warning) that\s+|(?:{PARTICIPLE_SAY})\s+(?=[A-Za-z])"
    rf"|(?P<participle>{PARTICIPLE_ACT})\b)"
)


PERSON_ROLES = re.compile(
    r"\b(?:spokes(?:man|woman|person)|minister|ambassador|envoy|official|director|secretary|president|"
    r"coordinator|commissioner|representative|diplomat|adviser|advisor|chief|commander|general|prosecutor|judge|"
    r"governor|mayor|lawyer|source|officer|analyst|witness|resident|leader)\b",
    re.I,
)


TITLE_LOWER = (
    r"spokes(?:man|woman|person)|minister|ministry|envoy|ambassador|official|director|secretary|representative|"
    r"coordinator|adviser|advisor|diplomat|chief|head|deputy|foreign|defence|defense|communications|special|"
    r"permanent|senior|presidential|president|for|to|of|the|at|general|policy|affairs|cyber|humanitarian|political"
)
