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


def test_evaluate_prints_what_each_min_confidence_step_keeps_and_writes_a_reliability_plot(saved_model, tmp_path):
    from helpers import STATEMENTS
    from typer.testing import CliRunner

    from stance.cli import app

    plot = tmp_path / "reliability.png"
    result = CliRunner().invoke(
        app, ["evaluate", str(STATEMENTS), "-m", str(saved_model), "--reliability-plot", str(plot)]
    )
    assert result.exit_code == 0, result.output
    assert "expected calibration error" in result.stdout
    steps = [line.split() for line in result.stdout.splitlines() if line.strip().startswith(("0.0 ", "0.8 "))]
    assert [step[0] for step in steps] == ["0.0", "0.8"] and steps[0][1] == "100.0%"
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_confidence_report_counts_what_a_threshold_keeps():
    from stance.metrics import confidence_report

    report = confidence_report(
        [0.95, 0.85, 0.55, 0.45], ["deny", "deny", "other", "condemn"], ["deny", "other", "other", "deny"]
    )
    steps = {step["threshold"]: step for step in report["steps"]}
    assert steps[0.8]["kept"] == 0.5 and steps[0.8]["accuracy"] == 0.5
    assert steps[0.9]["kept"] == 0.25 and steps[0.9]["accuracy"] == 1.0
    assert report["accuracy"] == 0.5
