"""The shipped corpus holds its invariants and reaches its targets (DECISIONS.md, REAL_SPEECH.md)."""

import pytest
from helpers import REPO

from stance.corpus import POPULATIONS, TARGETS, read_corpus, report
from stance.data import is_test_crisis
from stance.schema import ACTORS, LABELS

TRAIN = REPO / "data" / "labeled" / "train.csv"
TEST = REPO / "data" / "labeled" / "test.csv"


@pytest.fixture(scope="module")
def splits():
    return read_corpus(TRAIN), read_corpus(TEST)


@pytest.fixture(scope="module")
def measured(splits):
    return report(*splits)


def test_every_row_is_authored(splits):
    for frame in splits:
        assert set(frame["source"]) == {"authored"}


def test_every_label_and_actor_is_present_in_both_splits(splits):
    for frame in splits:
        assert set(frame["label"]) == set(LABELS)
        assert set(frame["actor"]) == set(ACTORS)


def test_split_is_by_crisis_hash(splits):
    train, test = splits
    assert not set(train["crisis"]) & set(test["crisis"])
    assert all(is_test_crisis(c) for c in set(test["crisis"]))
    assert not any(is_test_crisis(c) for c in set(train["crisis"]))


def test_ids_are_unique_across_splits(splits):
    train, test = splits
    assert not set(train["id"]) & set(test["id"])


def test_no_exact_duplicates(measured):
    assert measured["exact_duplicates"] == []


def test_no_near_duplicates_across_the_split(measured):
    assert measured["near_duplicates"] == []


def test_lengths_are_3_to_100_words(measured):
    assert measured["lengths"]["min"] >= 3 and measured["lengths"]["max"] <= 100


def test_size_and_cells(measured):
    assert measured["rows"]["total"] >= 6400
    assert min(measured["cells"].values()) >= 150
    assert min(measured["test_cells"].values()) >= 20


def test_crises(measured):
    assert measured["crises"]["total"] >= 40
    assert measured["largest_crisis_share"] <= 0.05
    assert 0.15 <= measured["test_share"] <= 0.25


def test_no_four_gram_is_in_more_than_3_percent_of_statements(measured):
    assert measured["top_4grams"][0][1] <= 0.03


@pytest.mark.parametrize("name", POPULATIONS)
@pytest.mark.parametrize("split", ["all", "test"])
def test_each_population_has_the_shape_of_its_real_speech(measured, name, split):
    shares = measured["populations"][name][split]
    # The held-out split is a few crises, so its shares may stray two points further than the whole.
    slack = 0.02 if split == "test" else 0.0
    for key, (lowest, highest) in TARGETS[name].items():
        if key != "median_words":
            lowest, highest = lowest - slack, highest + slack
        assert lowest <= shares[key] <= highest, (name, split, key, shares[key])


@pytest.mark.parametrize("name", POPULATIONS)
def test_each_population_uses_act_words_as_often_as_real_speech(measured, name):
    shares = measured["populations"][name]["all"]
    for label, target in measured["explicit_word_targets"].items():
        assert abs(shares[f"explicit_words_{label}"] - target) <= 0.05, (name, label)


def test_the_held_out_split_uses_act_words_as_often_as_real_speech(measured):
    for label, target in measured["explicit_word_targets"].items():
        assert abs(measured["test_shares"][f"explicit_words_{label}"] - target) <= 0.05, label


def test_article_shaped_rows_are_a_fifth_or_more_of_the_corpus_and_of_test(measured):
    article = measured["populations"]["article-shaped"]
    assert article["rows"] >= 1500
    assert article["test_rows"] / measured["rows"]["test"] >= 0.2


def test_hard_shapes_reach_every_actor(measured):
    for actor, counts in measured["shapes_per_actor"].items():
        assert min(counts.values()) >= 10, (actor, counts)
    assert measured["cells_lacking"] == {"rhetoric": [], "fragment": []}


def test_the_second_pass_is_recorded_and_applied(splits):
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    second = pd.read_csv(TRAIN.parent / "second_pass.csv", dtype=str, keep_default_na=False)
    assert len(second) == 300 and second["id"].is_unique
    assert cohen_kappa_score(second["first_label"], second["second_label"]) >= 0.8
    corpus = pd.concat(splits).set_index("id")
    for row in second.itertuples():
        if row.resolution == "dropped":
            assert row.id not in corpus.index
        elif row.resolution.startswith("relabelled "):
            assert corpus.loc[row.id, "label"] == row.resolution.removeprefix("relabelled ")
        else:
            assert row.resolution == "agreed" and corpus.loc[row.id, "label"] == row.first_label == row.second_label
