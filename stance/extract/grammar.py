"""The reporting grammar: the verbs that report speech and the patterns around them, compiled once."""

from __future__ import annotations

import re

SAY = (
    r"said|says|told|added|stressed|noted|warned|insisted|argued|claimed|stated|announced|declared|reiterated|"
    r"explained|maintained|wrote|posted|confirmed|acknowledged|replied|responded|cautioned|recalled|pointed out|"
    r"emphasised|emphasized|underlined|underscored|charged|alleged|complained|countered|retorted|asserted|"
    r"observed|remarked|suggested|went on|continued|concluded|predicted|estimated|reported|conceded|admitted|"
    r"reminded|assured|informed|briefed"
)
ACT = (
    r"denied|denies|condemned|condemns|urged|urges|rejected|rejects|called for|called on|calls for|calls on|"
    r"dismissed|dismisses|accused|accuses|denounced|denounces|blamed|blames|demanded|demands|appealed|appeals|"
    r"deplored|deplores|criticised|criticized|criticises|criticizes|praised|welcomed|welcomes|expressed|expresses|"
    r"offered|offers|pledged|vowed|refused|hailed|thanked|voiced|lamented|regretted|branded|described|"
    r"ruled out|threatened|promised|asked|invited|proposed|reaffirmed|insisted on|encouraged|encourages"
)
VERB = rf"(?:{SAY}|{ACT})"
ADVERBIAL = (
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
LEADING_ADVERBIAL = re.compile(
    r"^(?:(?:In|On|At|Later|Earlier|Separately|Meanwhile|However|But|And|Speaking|Asked|Responding|Writing|"
    r"Yesterday|Today|Last|This)\b[^,]{0,80},\s*)+"
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
    rf",\s*(?:(?P<speaker1>(?:[^\s,.;“”\"]+\s+){{0,7}}?[^\s,.;“”\"]+)\s+(?:{SAY}){ADVERBIAL}"
    rf"(?:\s+(?:in|on|at|to|during|after|before|via|through|from)\b[^,.;:“”\"]{{0,60}})?"
    rf"|(?:{SAY})\s+(?P<speaker2>(?:[A-Z]|(?:the|a|an|his|her|its|their)\s)(?:[^\s,.;“”\"]+\s+){{0,7}}?[^\s,.;“”\"]+)"
    rf"{ADVERBIAL})\s*[.!]?[”\"’]?\s*$"
)
# "The ministry (also) said ..." / "X denied ...": a subject, then the first reporting verb.
HEAD = re.compile(
    rf"(?P<speaker>[^;:“”\"]{{1,160}}?)\s+(?:(?:has|have|had|also|again|later|swiftly|quickly|firmly|strongly|"
    rf"flatly)\s+)*(?P<verb>{VERB})\b"
)
# Where a reported span holds a second statement: "..., and that ...", "... and denied ...", ", adding that".
SECOND_CLAUSE = re.compile(
    rf",?\s+(?:(?:and|but)\s+(?:also\s+)?(?:(?P<act>{ACT})\b|(?:{SAY})\b{ADVERBIAL}\s*(?:that\s+)?)"
    r"|and that\s+|(?:adding|stressing|noting|warning|saying) that\s+)"
)

# “...,” she said, adding that ...
ADDING = re.compile(r",?\s+(?:adding|and added|stressing|noting|warning) that\s+")


PERSON_ROLES = re.compile(
    r"\b(?:spokes(?:man|woman|person)|minister|ambassador|envoy|official|director|secretary|president|"
    r"coordinator|commissioner|representative|diplomat|adviser|advisor|chief|commander|general)\b",
    re.I,
)


TITLE_LOWER = (
    r"spokes(?:man|woman|person)|minister|ministry|envoy|ambassador|official|director|secretary|representative|"
    r"coordinator|adviser|advisor|diplomat|chief|head|deputy|foreign|defence|defense|communications|special|"
    r"permanent|senior|presidential|president|for|to|of|the|at|general|policy|affairs|cyber|humanitarian|political"
)
