"""SageMaker Processing entry point: the same split as the Lambda preprocessing
(preprocessing/lambda/transform.js), for data that outgrows Lambda.

Reads every .csv under /opt/ml/processing/input (raw/), drops rows with missing or
non-numeric values, and writes train/validation CSVs (label first, no header) to
/opt/ml/processing/output/{train,validation}/data.csv. Standard library only.
"""
import glob
import hashlib
import os
import re
import sys

# SageMaker mounts these paths; the variables exist for local runs and tests.
INPUT = os.environ.get("PROCESSING_INPUT", "/opt/ml/processing/input")
OUTPUT = os.environ.get("PROCESSING_OUTPUT", "/opt/ml/processing/output")
VALIDATION_FRACTION = float(os.environ.get("VALIDATION_FRACTION", "0.2"))
HAS_HEADER = os.environ.get("RAW_HAS_HEADER", "true") == "true"


# A decimal number as XGBoost reads it; the same pattern as transform.js, so both agree.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def usable(fields, width):
    return len(fields) == width and all(NUMBER.match(f) for f in fields)


def main():
    files = sorted(glob.glob(os.path.join(INPUT, "**", "*.csv"), recursive=True))
    if not files:
        sys.exit(f"no .csv files under {INPUT}")
    train, validation, dropped, width = [], [], 0, None
    for path in files:
        with open(path, encoding="utf-8") as f:
            lines = [l.strip() for l in f if l.strip()]
        for line in lines[1:] if HAS_HEADER else lines:
            fields = [x.strip() for x in line.split(",")]
            width = width or len(fields)
            if not usable(fields, width):
                dropped += 1
                continue
            row = ",".join(fields)
            bucket = int.from_bytes(hashlib.sha256(row.encode()).digest()[:4], "big") / 2**32
            (validation if bucket < VALIDATION_FRACTION else train).append(row)
    if not train or not validation:
        sys.exit(f"too few usable rows to split ({len(train) + len(validation)} usable, {dropped} dropped)")
    for name, rows in (("train", train), ("validation", validation)):
        os.makedirs(os.path.join(OUTPUT, name), exist_ok=True)
        with open(os.path.join(OUTPUT, name, "data.csv"), "w", encoding="utf-8") as f:
            f.write("\n".join(rows) + "\n")
    print(f"train={len(train)} validation={len(validation)} dropped={dropped}")


if __name__ == "__main__":
    main()
