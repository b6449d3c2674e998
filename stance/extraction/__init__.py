"""Finding the statements in a news article: who said what, quoted or reported, and where.

The extractor reads an article the way an analyst does: it finds the quoted passages and the
reported clauses ("the ministry said ...", "X denied ..."), finds who is speaking (before or after
the statement, or earlier by pronoun or role noun), and maps the speaker to one of the four actors
through the alias table. Every statement keeps its character offsets, `article[start:end] == text`,
so a reader can always go back to the source. One concern a module: `segment` (spans), `grammar`
(reporting verbs and patterns), `lexicon` (the alias table), `speakers` (who is speaking),
`statements` (putting them together). Labels are joined on by `stance.batch`.
"""

from stance.extraction.lexicon import AliasTable, read_aliases
from stance.extraction.statements import Statement, extract_statements

__all__ = ["AliasTable", "Statement", "extract_statements", "read_aliases"]
