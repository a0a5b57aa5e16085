"""AWS Glue (Spark) entry point: the same split as the Lambda preprocessing
(preprocessing/lambda/transform.js) and the processing job (preprocessing/processing/
preprocess.py), for data that outgrows one machine.

Reads every .csv under --input_uri (raw/), drops rows with missing or non-numeric values
and writes train/validation CSVs (label first, no header) under --output_uri, in
--output_files files per channel (a multiple of the training instances, so that training
can shard them by key).

Input formats (--input_format): "csv", the default, as above; or "dynamodb-json", a
DynamoDB table export (DYNAMODB_JSON) under --input_uri: every .json.gz data file (Spark
decompresses them by their extension; the manifests and _started are not read), one item
per line, and --export_attributes, a JSON mapping {"label": "<attr>", "features":
["<attr>", ...]}, says which attributes make the row. `export_row` applies the same value
rules as transform.js's exportRows and preprocess.py's export_row.

The row logic is plain Python (`header_and_width`, `split_rows`, `export_row`,
`export_lines`): the tests run it without Spark over arbitrary partitions. The Spark
wiring in `main` is thin and is the part no test here runs (see README, "What is not
verified").
"""
import hashlib
import json
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


# DynamoDB table export (DYNAMODB_JSON): "DynamoDB table export output format", Amazon
# DynamoDB Developer Guide,
# https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/S3DataExport.Output.html
# Data files are AWSDynamoDB/<ExportId>/data/*.json.gz, gzip-compressed, one
# {"Item": {"<attr>": {"<type>": value}, ...}} per line.
# Whitespace is ASCII only, as in transform.js: str.strip() and JavaScript's trim() differ beyond it.
WHITESPACE = " \t\n\r\f\v"


def _no_constant(name):
    # json.loads takes NaN and Infinity, JSON.parse does not: a line with them is not JSON.
    raise ValueError(f"not JSON: {name}")


def export_field(value):
    """One CSV field from an attribute value, or None when it cannot train.

    N as given (a decimal string), BOOL as 1 or 0, S only when it holds a number (trimmed);
    NULL and every other type (M, L, SS, NS, BS, B) are unusable.
    """
    if not isinstance(value, dict) or len(value) != 1:
        return None
    (kind, v), = value.items()
    if kind == "N":
        return v if isinstance(v, str) and NUMBER.fullmatch(v) else None
    if kind == "BOOL":
        return ("1" if v else "0") if isinstance(v, bool) else None
    if kind == "S":
        if not isinstance(v, str):
            return None
        v = v.strip(WHITESPACE)
        return v if NUMBER.fullmatch(v) else None
    return None


def export_row(line, label, features):
    """The fields of one export line (label, then the features in order), or None when the
    row is unusable: not JSON, no Item object, or a missing or unusable attribute."""
    try:
        parsed = json.loads(line, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError; deep nesting recurses
        return None
    item = parsed.get("Item") if isinstance(parsed, dict) else None
    if not isinstance(item, dict):
        return None
    fields = []
    for name in [label] + list(features):
        field = export_field(item.get(name))
        if field is None:
            return None
        fields.append(field)
    return fields


def export_lines(lines, label, features):
    """The CSV line (label first, no header) of every usable export line; empty lines skipped,
    unusable ones dropped. Feed the result to split_rows with header None and width
    1 + len(features)."""
    for line in lines:
        if not line.strip(WHITESPACE):
            continue
        fields = export_row(line, label, features)
        if fields is not None:
            yield ",".join(fields)


def export_mapping(text):
    """(label, features) from --export_attributes; exits with what is allowed when it is not that."""
    shape = '--export_attributes must be a JSON object {"label": "<attribute>", "features": ["<attribute>", ...]}'
    if not (text or "").strip():
        sys.exit(f"{shape}; it is required when --input_format is dynamodb-json")
    try:
        mapping = json.loads(text)
    except ValueError as e:
        sys.exit(f"{shape}; it is not JSON ({e})")
    if not isinstance(mapping, dict):
        sys.exit(f"{shape}, got {text}")
    label, features = mapping.get("label"), mapping.get("features")
    if not isinstance(label, str) or not label:
        sys.exit("--export_attributes label must be a non-empty string (the attribute that holds the label)")
    if not isinstance(features, list) or not features or not all(isinstance(f, str) and f for f in features):
        sys.exit("--export_attributes features must be a non-empty array of non-empty strings (the attributes that hold the features, in column order)")
    names = [label] + features
    for name in names:
        if names.count(name) > 1:
            sys.exit(f'--export_attributes: attribute "{name}" appears more than once in label and features; each attribute may be used once')
    return label, features


def list_files(spark, uri, suffix):  # pragma: no cover - runs on Glue only
    """Every key under uri that ends with suffix, sorted (Hadoop's FileSystem listing: names only, no contents)."""
    jvm = spark.sparkContext._jvm
    root = jvm.org.apache.hadoop.fs.Path(uri)
    listing = root.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).listFiles(root, True)
    files = []
    while listing.hasNext():
        name = listing.next().getPath().toString()
        if name.endswith(suffix):
            files.append(name)
    return sorted(files)


def list_csv(spark, uri):  # pragma: no cover - runs on Glue only
    """Every .csv key under uri, sorted."""
    return list_files(spark, uri, ".csv")


def list_export_data(spark, uri):  # pragma: no cover - runs on Glue only
    """Every .json.gz key under uri (the export's data files), sorted."""
    return list_files(spark, uri, ".json.gz")


def optional_args(argv, names):
    """The names among `names` that argv carries as --name (getResolvedOptions fails on absent ones)."""
    return [n for n in names if any(a == f"--{n}" or a.startswith(f"--{n}=") for a in argv)]


def features_of(row):
    """A train row without its label (the first column): the data-quality baseline."""
    return row.split(",", 1)[1] if "," in row else ""


def main(argv):  # pragma: no cover - runs on Glue only
    from awsglue.utils import getResolvedOptions
    from pyspark.sql import SparkSession

    # --input_format and --export_attributes are optional: a job run without them reads CSV.
    args = getResolvedOptions(
        argv,
        ["input_uri", "output_uri", "output_files", "validation_fraction", "raw_has_header", "write_baseline"]
        + optional_args(argv, ["input_format", "export_attributes"]),
    )
    input_format = args.get("input_format") or "csv"
    if input_format not in ("csv", "dynamodb-json"):
        sys.exit(f"--input_format must be one of csv, dynamodb-json, got {input_format}")
    export = input_format == "dynamodb-json"
    label, features = export_mapping(args.get("export_attributes")) if export else (None, None)
    spark = SparkSession.builder.getOrCreate()
    # No _SUCCESS marker: training reads every object under the channel prefix.
    spark.sparkContext._jsc.hadoopConfiguration().set("mapreduce.fileoutputcommitter.marksuccessfuljobs", "false")
    fraction = float(args["validation_fraction"])
    has_header = args["raw_has_header"] == "true"

    if export:
        files = list_export_data(spark, args["input_uri"])
        if not files:
            sys.exit(f"no DynamoDB export data files (.json.gz) under {args['input_uri']}")
        # Every converted line has the mapping's width and no header.
        header, width = None, 1 + len(features)
        lines = spark.sparkContext.textFile(",".join(files)).mapPartitions(lambda part: export_lines(part, label, features))
    else:
        files = list_csv(spark, args["input_uri"])
        if not files:
            sys.exit(f"no .csv objects under {args['input_uri']}")
        header, width = header_and_width(spark.sparkContext.textFile(files[0]).take(50), has_header)
        if width is None:
            sys.exit(f"no data rows in {files[0]}")
        lines = spark.sparkContext.textFile(",".join(files))

    rows = lines.mapPartitions(lambda part: split_rows(part, header, width, fraction)).cache()
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
