"""Classify statements, or list the statements of articles, on Spark with the stance scorer (docs/spark.md)."""

from pyspark.sql import SparkSession
from pyspark.sql.types import DoubleType, LongType, StringType, StructField, StructType

from stance.dask import predictions, statements
from stance.schema import EXTRACT_COLUMNS, LABELS, probability_column

MODEL = None  # the shipped model; or a path every executor can read


def classify_frames(frames):
    """mapInPandas: pandas frames in, the same frames with the prediction columns out."""
    for frame in frames:
        yield predictions(frame, MODEL, text_column="text")


def classify(statements):
    """A Spark DataFrame with a `text` column -> the same rows with stance, confidence, p_*."""
    fields = [StructField("stance", StringType()), StructField("confidence", DoubleType())]
    fields += [StructField(probability_column(label), DoubleType()) for label in LABELS]
    schema = StructType([*statements.schema.fields, *fields])
    return statements.mapInPandas(classify_frames, schema=schema)


def extract_frames(frames):
    """mapInPandas: frames of articles in, a row per statement out, as `stance extract` lists them."""
    for frame in frames:
        yield statements(frame, MODEL, text_column="text")


def extract(articles):
    """A Spark DataFrame of articles (text, and any of id, date, source, url, title) -> its statements."""
    types = {"start": LongType(), "end": LongType(), "confidence": DoubleType()}
    types.update({probability_column(label): DoubleType() for label in LABELS})
    schema = StructType([StructField(name, types.get(name, StringType())) for name in EXTRACT_COLUMNS])
    return articles.mapInPandas(extract_frames, schema=schema)


if __name__ == "__main__":
    import sys

    spark = SparkSession.builder.appName("stance").getOrCreate()
    classify(spark.read.parquet(sys.argv[1])).write.parquet(sys.argv[2])
