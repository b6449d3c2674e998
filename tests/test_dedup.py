"""Repeats group whatever outlet printed them; different statements never do."""

from stance.dedup import duplicate_of, normalise

WIRE = "The ministry said its navy had not fired on the ferry and called the reports a provocation"


def test_exact_repeats_with_other_punctuation_group_with_the_first():
    texts = [WIRE, WIRE.upper() + ".", "“" + WIRE + "”", "Talks will resume in Geneva next week"]
    assert duplicate_of(texts) == [0, 0, 0, 3]


def test_a_lightly_edited_copy_groups_with_the_original():
    edited = WIRE.replace("called the reports", "described the reports as") + " on Tuesday"
    trimmed = "The ministry said its navy had not fired on the ferry and called the reports"
    assert duplicate_of([WIRE, edited, trimmed]) == [0, 0, 0]


def test_different_statements_on_the_same_topic_stay_apart():
    texts = [
        WIRE,
        "The ministry said its navy had fired warning shots near the ferry after it ignored orders",
        "The ministry urged both sides to exercise restraint around the ferry route",
    ]
    assert duplicate_of(texts) == [0, 1, 2]


def test_the_same_words_by_two_actors_are_two_statements():
    assert duplicate_of([WIRE, WIRE], keys=["kremlin", "ankara"]) == [0, 1]


def test_normalise_keeps_words_only():
    assert normalise("“Never,” it said — NEVER.") == "never it said never"


def test_grouping_scales_to_many_statements():
    texts = [f"statement number {i} about crossing point {i * 7} and convoy {i * 13}" for i in range(20_000)]
    texts += texts[:100]
    groups = duplicate_of(texts)
    assert groups[20_000:] == list(range(100))
    assert groups[:20_000] == list(range(20_000))


def test_a_copy_that_drops_a_negation_is_not_a_repeat():
    assert duplicate_of([WIRE, WIRE.replace("had not fired", "had fired")]) == [0, 1]
