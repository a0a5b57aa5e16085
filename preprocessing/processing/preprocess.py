"""SageMaker Processing entry point: the same split as the Lambda preprocessing
(preprocessing/lambda/transform.js), for data that outgrows Lambda.

Reads every .csv under /opt/ml/processing/input (raw/), drops rows with missing or
non-numeric values, and writes train/validation CSVs (label first, no header) to
/opt/ml/processing/output/{train,validation}/. Standard library only.

Scale-out: with more than one instance the raw input is ShardedByS3Key, so each
instance sees its share of the files and writes data-<host>.csv (no two instances
write the same key; training reads the whole prefix). Which set a row lands in depends
on the row alone, so the union is the same however many instances ran. Rows stream
from input to output: memory does not grow with the size of a file.
"""
import glob
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


# A decimal number as XGBoost reads it; the same pattern as transform.js, so both agree.
NUMBER = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$")


def usable(fields, width):
    return len(fields) == width and all(NUMBER.match(f) for f in fields)


def cluster():
    """(this host, number of hosts); one host when run outside SageMaker."""
    try:
        with open(RESOURCE_CONFIG, encoding="utf-8") as f:
            config = json.load(f)
        return config["current_host"], len(config["hosts"])
    except FileNotFoundError:
        return "algo-1", 1


def main():
    host, hosts = cluster()
    files = sorted(glob.glob(os.path.join(INPUT, "**", "*.csv"), recursive=True))
    if not files:
        if hosts > 1:
            # Sharding by key gives an instance nothing when there are fewer files than instances.
            print(f"{host}: no .csv files in this shard; nothing to write")
            return
        sys.exit(f"no .csv files under {INPUT}")
    name = "data.csv" if hosts == 1 else f"data-{host}.csv"
    outputs = {}
    for channel in ("train", "validation") + (("baseline",) if WRITE_BASELINE else ()):
        os.makedirs(os.path.join(OUTPUT, channel), exist_ok=True)
        outputs[channel] = open(os.path.join(OUTPUT, channel, name), "w", encoding="utf-8")
    counts, dropped, width = {"train": 0, "validation": 0}, 0, None
    try:
        for path in files:
            with open(path, encoding="utf-8") as f:
                header_pending = HAS_HEADER
                for line in f:
                    line = line.strip()
                    if not line:
                        continue
                    if header_pending:
                        header_pending = False
                        continue
                    fields = [x.strip() for x in line.split(",")]
                    width = width or len(fields)
                    if not usable(fields, width):
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
