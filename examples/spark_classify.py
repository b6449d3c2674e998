"""Classify a Parquet data set on Spark with the stance scorer (the recipe of docs/spark.md)."""

from pyspark.sql import SparkSession
from pyspark.sql.types import DoubleType, StringType, StructField, StructType

from stance.dask import predictions
from stance.schema import LABELS, probability_column

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


if __name__ == "__main__":
    import sys

    spark = SparkSession.builder.appName("stance").getOrCreate()
    classify(spark.read.parquet(sys.argv[1])).write.parquet(sys.argv[2])
