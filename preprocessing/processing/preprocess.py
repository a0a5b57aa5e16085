"""SageMaker Processing entry point: the same split as the Lambda preprocessing
(preprocessing/lambda/transform.js), for data that outgrows Lambda.

Reads every .csv under /opt/ml/processing/input (raw/), drops rows with missing or
non-numeric values, and writes train/validation CSVs (label first, no header) to
/opt/ml/processing/output/{train,validation}/. Standard library only.

Input formats (INPUT_FORMAT): "csv", the default, as above; or "dynamodb-json", a DynamoDB
table export (DYNAMODB_JSON) under the input: every **/*.json.gz data file is read (the
manifests and _started are not), one item per line, and EXPORT_ATTRIBUTES, a JSON mapping
{"label": "<attr>", "features": ["<attr>", ...]}, says which attributes make the row.
`export_row` applies the same value rules as transform.js's exportRows.

Scale-out: with more than one instance the raw input is ShardedByS3Key, so each
instance sees its share of the files and writes data-<host>.csv (no two instances
write the same key; training reads the whole prefix). Which set a row lands in depends
on the row alone, so the union is the same however many instances ran. Rows stream
from input to output: memory does not grow with the size of a file.
"""
import glob
import gzip
import hashlib
import json
import os
import re
import sys

# SageMaker mounts these paths; the variables exist for local runs and tests.
INPUT = os.environ.get("PROCESSING_INPUT", "/opt/ml/processing/input")
OUTPUT = os.environ.get("PROCESSING_OUTPUT", "/opt/ml/processing/output")
# "How Amazon SageMaker Processing configures your processing container": current_host, hosts.
RESOURCE_CONFIG = os.environ.get("PROCESSING_RESOURCE_CONFIG", "/opt/ml/config/resourceconfig.json")
VALIDATION_FRACTION = float(os.environ.get("VALIDATION_FRACTION", "0.2"))
HAS_HEADER = os.environ.get("RAW_HAS_HEADER", "true") == "true"
# Drift monitoring: also write the train rows without their label (the data-quality baseline).
WRITE_BASELINE = os.environ.get("WRITE_BASELINE", "false") == "true"
# csv (default) or dynamodb-json; with dynamodb-json, EXPORT_ATTRIBUTES is the mapping (JSON).
INPUT_FORMAT = os.environ.get("INPUT_FORMAT", "csv")
EXPORT_ATTRIBUTES = os.environ.get("EXPORT_ATTRIBUTES", "")
FORMATS = ("csv", "dynamodb-json")


# A decimal number as XGBoost reads it; the same pattern as transform.js, so both agree.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def usable(fields, width):
    return len(fields) == width and all(NUMBER.match(f) for f in fields)


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


def export_mapping(text):
    """(label, features) from EXPORT_ATTRIBUTES; exits with what is allowed when it is not that."""
    shape = 'EXPORT_ATTRIBUTES must be a JSON object {"label": "<attribute>", "features": ["<attribute>", ...]}'
    if not text.strip():
        sys.exit(f"{shape}; it is required when INPUT_FORMAT is dynamodb-json")
    try:
        mapping = json.loads(text)
    except ValueError as e:
        sys.exit(f"{shape}; it is not JSON ({e})")
    if not isinstance(mapping, dict):
        sys.exit(f"{shape}, got {text}")
    label, features = mapping.get("label"), mapping.get("features")
    if not isinstance(label, str) or not label:
        sys.exit("EXPORT_ATTRIBUTES.label must be a non-empty string (the attribute that holds the label)")
    if not isinstance(features, list) or not features or not all(isinstance(f, str) and f for f in features):
        sys.exit("EXPORT_ATTRIBUTES.features must be a non-empty array of non-empty strings (the attributes that hold the features, in column order)")
    names = [label] + features
    for name in names:
        if names.count(name) > 1:
            sys.exit(f'EXPORT_ATTRIBUTES: attribute "{name}" appears more than once in label and features; each attribute may be used once')
    return label, features


def is_blank(line):
    return not line.strip(WHITESPACE)


def csv_records(path):
    """The fields of every data line of a CSV file (its header skipped when it has one)."""
    with open(path, encoding="utf-8") as f:
        header_pending = HAS_HEADER
        for line in f:
            line = line.strip()
            if not line:
                continue
            if header_pending:
                header_pending = False
                continue
            yield [x.strip() for x in line.split(",")]


def export_records(path, label, features):
    """export_row of every non-empty line of an export data file (None for unusable ones)."""
    # Text mode splits lines on \r\n, \r and \n, as Hadoop's reader does; bad UTF-8 reads as
    # U+FFFD, as Node's Buffer.toString does. A zero-byte file reads as empty.
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            if not is_blank(line):
                yield export_row(line, label, features)


def cluster():
    """(this host, number of hosts); one host when run outside SageMaker."""
    try:
        with open(RESOURCE_CONFIG, encoding="utf-8") as f:
            config = json.load(f)
        return config["current_host"], len(config["hosts"])
    except FileNotFoundError:
        return "algo-1", 1


def main():
    if INPUT_FORMAT not in FORMATS:
        sys.exit(f"INPUT_FORMAT must be one of {', '.join(FORMATS)}, got {INPUT_FORMAT}")
    export = INPUT_FORMAT == "dynamodb-json"
    label, features = export_mapping(EXPORT_ATTRIBUTES) if export else (None, None)
    host, hosts = cluster()
    pattern, what = ("*.json.gz", "DynamoDB export data files (.json.gz)") if export else ("*.csv", ".csv files")
    files = sorted(glob.glob(os.path.join(INPUT, "**", pattern), recursive=True))
    if not files:
        if hosts > 1:
            # Sharding by key gives an instance nothing when there are fewer files than instances.
            print(f"{host}: no {what} in this shard; nothing to write")
            return
        sys.exit(f"no {what} under {INPUT}")
    name = "data.csv" if hosts == 1 else f"data-{host}.csv"
    outputs = {}
    for channel in ("train", "validation") + (("baseline",) if WRITE_BASELINE else ()):
        os.makedirs(os.path.join(OUTPUT, channel), exist_ok=True)
        outputs[channel] = open(os.path.join(OUTPUT, channel, name), "w", encoding="utf-8")
    counts, dropped = {"train": 0, "validation": 0}, 0
    # An export row has a known width; a CSV row's is set by the first data row.
    width = 1 + len(features) if export else None
    try:
        for path in files:
            for fields in (export_records(path, label, features) if export else csv_records(path)):
                if fields is not None:
                    width = width or len(fields)
                if fields is None or not usable(fields, width):
                    dropped += 1
                    continue
                row = ",".join(fields)
                bucket = int.from_bytes(hashlib.sha256(row.encode()).digest()[:4], "big") / 2**32
                channel = "validation" if bucket < VALIDATION_FRACTION else "train"
                outputs[channel].write(row + "\n")
                if WRITE_BASELINE and channel == "train":
                    outputs["baseline"].write(",".join(fields[1:]) + "\n")
                counts[channel] += 1
    finally:
        for f in outputs.values():
            f.close()
    # One instance must produce both sets; a shard of many may hold too few rows for both.
    if hosts == 1 and (not counts["train"] or not counts["validation"]):
        sys.exit(f"too few usable rows to split ({counts['train'] + counts['validation']} usable, {dropped} dropped)")
    print(f"train={counts['train']} validation={counts['validation']} dropped={dropped}")


if __name__ == "__main__":
    main()
