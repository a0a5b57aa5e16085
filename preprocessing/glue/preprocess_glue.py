"""AWS Glue (Spark) entry point: the same split as the Lambda preprocessing
(preprocessing/lambda/transform.js) and the processing job (preprocessing/processing/
preprocess.py), for data that outgrows one machine.

Reads every .csv under --input_uri (raw/), drops rows with missing or non-numeric values
and writes train/validation CSVs (label first, no header) under --output_uri, in
--output_files files per channel (a multiple of the training instances, so that training
can shard them by key).

The row logic is plain Python (`header_and_width`, `split_rows`): the tests run it
without Spark over arbitrary partitions. The Spark wiring in `main` is thin and is the
part no test here runs (see README, "What is not verified").
"""
import hashlib
import re
import sys

# A decimal number as XGBoost reads it; the same pattern as transform.js and preprocess.py.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def header_and_width(first_lines, has_header):
    """The header line (or None) and the row width, from the first lines of the first file.

    Like the other engines: the first non-empty line is the header when the data has one,
    and the first line after it sets the width every row must have.
    """
    lines = [line.strip() for line in first_lines if line.strip()]
    if has_header:
        if len(lines) < 2:
            return (lines[0] if lines else None), None
        return lines[0], len(lines[1].split(","))
    return None, (len(lines[0].split(",")) if lines else None)


def channel_of(row, validation_fraction):
    """train or validation, from the row alone (the first 4 bytes of its SHA-256)."""
    bucket = int.from_bytes(hashlib.sha256(row.encode()).digest()[:4], "big") / 2**32
    return "validation" if bucket < validation_fraction else "train"


def split_rows(lines, header, width, validation_fraction):
    """(channel, row) for every usable line of a partition; headers and bad rows dropped.

    A header line is recognised by its text, in every file (Spark's own CSV reader drops
    headers the same way): the other engines drop the first line of each file, which is
    the same line when all files share one header.
    """
    for line in lines:
        line = line.strip()
        if not line or (header is not None and line == header):
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) != width or not all(NUMBER.match(f) for f in fields):
            continue
        row = ",".join(fields)
        yield channel_of(row, validation_fraction), row


def list_csv(spark, uri):  # pragma: no cover - runs on Glue only
    """Every .csv key under uri, sorted (Hadoop's FileSystem listing: names only, no contents)."""
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(uri)
    listing = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).listFiles(root, True)
    files = []
    while listing.hasNext():
        name = listing.next().getPath().toString()
        if name.endswith(".csv"):
            files.append(name)
    return sorted(files)


def features_of(row):
    """A train row without its label (the first column): the data-quality baseline."""
    return row.split(",", 1)[1] if "," in row else ""


def main(argv):  # pragma: no cover - runs on Glue only
    from awsglue.utils import getResolvedOptions
    from pyspark.sql import SparkSession

    args = getResolvedOptions(argv, ["input_uri", "output_uri", "output_files", "validation_fraction", "raw_has_header", "write_baseline"])
    spark = SparkSession.builder.getOrCreate()
    # No _SUCCESS marker: training reads every object under the channel prefix.
    spark.sparkContext._jsc.hadoopConfiguration().set("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    fraction = float(args["validation_fraction"])
    has_header = args["raw_has_header"] == "true"

    files = list_csv(spark, args["input_uri"])
    if not files:
        sys.exit(f"no .csv objects under {args['input_uri']}")
    header, width = header_and_width(spark.sparkContext.textFile(files[0]).take(50), has_header)
    if width is None:
        sys.exit(f"no data rows in {files[0]}")

    rows = spark.sparkContext.textFile(",".join(files)).mapPartitions(lambda part: split_rows(part, header, width, fraction)).cache()
    counts = dict(rows.countByKey())
    if not counts.get("train") or not counts.get("validation"):
        sys.exit(f"too few usable rows to split: {counts}")
    for channel in ("train", "validation"):
        (rows.filter(lambda kv, c=channel: kv[0] == c).map(lambda kv: kv[1])
            .repartition(int(args["output_files"]))
            .saveAsTextFile(f"{args['output_uri']}{channel}"))
    if args["write_baseline"] == "true":
        (rows.filter(lambda kv: kv[0] == "train").map(lambda kv: features_of(kv[1]))
            .repartition(int(args["output_files"]))
            .saveAsTextFile(f"{args['output_uri']}baseline"))
    print(f"train={counts['train']} validation={counts['validation']}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv)
