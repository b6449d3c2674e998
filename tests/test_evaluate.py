from stance.metrics import evaluate, scores


def test_perfect_predictions_score_one():
    gold = ["condemn", "deny", "de-escalate", "other"]
    report = scores(gold, gold)
    assert report["accuracy"] == 1.0 and report["macro_f1"] == 1.0 and report["macro_f1_stance"] == 1.0


def test_three_label_figure_counts_stance_missed_as_other():
    gold = ["condemn", "condemn", "deny", "de-escalate", "other"]
    predicted = ["other", "condemn", "deny", "de-escalate", "other"]
    report = scores(gold, predicted)
    assert report["per_label"]["condemn"]["recall"] == 0.5
    assert report["macro_f1_stance"] == round((2 / 3 + 1 + 1) / 3, 4)
    assert report["per_label"]["other"]["precision"] == 0.5


def test_confusion_rows_are_gold_and_columns_predicted():
    report = scores(["condemn", "deny"], ["deny", "deny"])
    assert report["confusion"]["labels"] == ["condemn", "deny", "de-escalate", "other"]
    assert report["confusion"]["matrix"][0] == [0, 1, 0, 0]
    assert report["confusion"]["matrix"][1] == [0, 1, 0, 0]


def test_per_actor_figures_cover_only_that_actors_rows():
    gold = ["condemn", "deny", "condemn"]
    predicted = ["condemn", "other", "deny"]
    report = evaluate(gold, predicted, ["kremlin", "kremlin", "un"])
    assert set(report["per_actor"]) == {"kremlin", "un"}
    assert report["per_actor"]["kremlin"]["rows"] == 2
    assert report["per_actor"]["kremlin"]["accuracy"] == 0.5
    assert report["per_actor"]["un"]["accuracy"] == 0.0
