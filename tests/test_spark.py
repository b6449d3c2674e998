"""The Spark recipe (docs/spark.md): its code is examples/spark_classify.py, run when pyspark is installed."""

import re
import runpy
import sys

import pytest
from helpers import REPO

from stance.model import load_model

RECIPE = REPO / "docs" / "spark.md"
EXAMPLE = REPO / "examples" / "spark_classify.py"


def test_the_spark_recipe_in_the_docs_is_the_example_file():
    code = re.search(r"```python\n(.*?)```", RECIPE.read_text(encoding="utf-8"), re.S).group(1)
    assert code in EXAMPLE.read_text(encoding="utf-8")


def test_the_spark_recipe_labels_as_stance_classify_does(monkeypatch):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)  # Spark's Python workers need this environment's stance

    recipe = runpy.run_path(str(EXAMPLE))
    spark = SparkSession.builder.master("local[2]").appName("stance-test").getOrCreate()
    try:
        texts = ["We urge all sides to show restraint.", "These claims are fabricated.", "", "We condemn the attack."]
        frame = spark.createDataFrame([(i, text) for i, text in enumerate(texts)], "id long, text string")
        rows = recipe["classify"](frame).orderBy("id").collect()
    finally:
        spark.stop()
    expected = [p.label for p in load_model().predict([text for text in texts if text])]
    assert [row["stance"] for row in rows] == [*expected[:2], None, expected[2]]  # the empty row keeps its place
    assert [row["id"] for row in rows] == [0, 1, 2, 3]


def test_the_spark_recipe_lists_the_statements_of_articles(monkeypatch):
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    from stance.articles import make_article
    from stance.batch import extract_rows

    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    recipe = runpy.run_path(str(EXAMPLE))
    article = (REPO / "tests" / "fixtures" / "articles" / "drone-border.txt").read_text(encoding="utf-8")
    spark = SparkSession.builder.master("local[2]").appName("stance-test").getOrCreate()
    try:
        frame = spark.createDataFrame([("a1", article, "2026-03-04")], "id string, text string, date string")
        rows = recipe["extract"](frame).collect()
    finally:
        spark.stop()
    local = list(extract_rows(load_model(), [make_article(article, "a1", date="2026-03-04")]))
    assert [row["statement"] for row in rows] == [row["statement"] for row in local] and len(local) > 3
    assert {row["article"] for row in rows} == {"a1"}
