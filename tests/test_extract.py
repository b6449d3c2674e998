import pytest
from helpers import ARTICLES, UNSEEN, score_fixtures, write

from stance.errors import StanceError
from stance.extract import extract_statements, read_aliases


@pytest.fixture(scope="module", params=[ARTICLES, UNSEEN], ids=["tuned-on", "unseen"])
def scores(request):
    return score_fixtures(request.param)


def test_the_fixtures_are_enough_articles_with_enough_actors():
    articles = sorted(ARTICLES.glob("*.txt"))
    assert len(articles) >= 8 and len(list(UNSEEN.glob("*.txt"))) >= 4
    for article in articles:
        assert 300 <= len(article.read_text().split()) <= 900, article.name


def test_precision_on_the_fixture_articles_is_at_least_0_9(scores):
    assert scores["precision"] >= 0.9, scores["spurious"]


def test_recall_on_the_fixture_articles_is_at_least_0_9(scores):
    assert scores["recall"] >= 0.9, scores["missed"]


def test_every_span_is_the_articles_own_text():
    for article in ARTICLES.glob("*.txt"):
        text = article.read_text()
        for statement in extract_statements(text, read_aliases(ARTICLES / "aliases.csv"), all_speakers=True):
            assert text[statement.start : statement.end] == statement.text


def test_quotation_marks_and_a_leading_that_stay_outside():
    text = 'A State Department spokesperson said that Washington had no role.\n\n"We reject this," the Kremlin said.'
    found = extract_statements(text)
    assert [s.text for s in found] == ["Washington had no role", "We reject this"]


def test_a_quote_split_by_its_attribution_gives_two_statements_by_one_speaker():
    text = "“We will not be drawn in,” a Kremlin spokesman said. “Nor will we stay silent.”"
    found = extract_statements(text)
    assert [s.text for s in found] == ["We will not be drawn in", "Nor will we stay silent."]
    assert {s.actor for s in found} == {"kremlin"} and all(s.form == "direct" for s in found)


def test_an_act_verb_starts_the_reported_span():
    [statement] = extract_statements("Turkey's Foreign Ministry condemned the attack on its convoy.")
    assert statement.text == "condemned the attack on its convoy"
    assert statement.actor == "ankara" and statement.form == "reported"


def test_a_clause_followed_by_its_attribution():
    [statement] = extract_statements("The convoy had been hit from the air, the UN refugee agency said.")
    assert statement.text == "The convoy had been hit from the air" and statement.actor == "un"


def test_pronouns_resolve_to_the_nearest_earlier_speaker():
    text = "Olivia Hart, a State Department spokesperson, said the talks were useful. She urged both sides to talk."
    assert [(s.actor, s.text) for s in extract_statements(text)] == [
        ("state_department", "the talks were useful"),
        ("state_department", "urged both sides to talk"),
    ]


def test_others_are_listed_only_when_asked():
    text = "A Greek government spokesman said the ships had left. The Kremlin said it had no ships there."
    assert [s.actor for s in extract_statements(text)] == ["kremlin"]
    assert [s.actor for s in extract_statements(text, all_speakers=True)] == ["other", "kremlin"]


@pytest.mark.parametrize(
    ("phrase", "actor"),
    [
        ("Peskov told reporters", "other"),
        ("Kremlin spokesman Dmitry Peskov told reporters", "kremlin"),
        ("Russia's UN envoy said", "kremlin"),
        ("a spokesman for the Secretary-General said", "un"),
        ("Turkey's communications director said", "ankara"),
        ("a State Department representative said", "state_department"),
        ("the US ambassador to the United Nations said", "state_department"),
        ("Ukraine's ambassador to the UN said", "other"),
    ],
)
def test_the_built_in_alias_table_maps_attribution_phrases(phrase, actor):
    found = extract_statements(f"{phrase} the ships were in port.", all_speakers=True)
    assert [s.actor for s in found] == [actor]


def test_a_bare_surname_counts_after_the_full_name():
    text = "Kremlin spokesman Dmitry Peskov spoke in Moscow. Later, Peskov told reporters the ships were in port."
    [statement] = extract_statements(text)
    assert statement.actor == "kremlin"


def test_user_aliases_map_new_names(tmp_path):
    aliases = read_aliases(write(tmp_path / "a.csv", "alias,actor\nIvo Marek,un\n"))
    [statement] = extract_statements("Ivo Marek said the convoy had reached the city.", aliases)
    assert statement.actor == "un"


def test_an_alias_file_with_an_unknown_actor_names_the_line(tmp_path):
    path = write(tmp_path / "a.csv", "alias,actor\nIvo Marek,un\nJan Novak,nato\n")
    with pytest.raises(StanceError, match="line 3, column 'actor': unknown actor 'nato'"):
        read_aliases(path)


def test_one_paragraph_a_line_reads_like_blank_line_paragraphs():
    article = (ARTICLES / "drone-border.txt").read_text()
    single = article.replace("\n\n", "\n")
    aliases = read_aliases(ARTICLES / "aliases.csv")
    assert [(s.actor, s.text) for s in extract_statements(single, aliases)] == [
        (s.actor, s.text) for s in extract_statements(article, aliases)
    ]
