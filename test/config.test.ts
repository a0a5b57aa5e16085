/** The stack schema: defaults per profile, and one clear error per kind of mistake. */
import { strict as assert } from "assert";
import fc from "fast-check";
import { ConfigError, resolveStackConfig } from "../stacks/load";
import { runsPerMonth, scheduleExpressionProblem } from "../policies/facts/scheduleExpression";
import { HOSTING_INSTANCE_TYPES } from "../policies/facts/instanceTypes";

/** `region: null` leaves aws:region unset. */
const resolve = (values: Record<string, unknown>, stack = "dev", region: string | null = "us-east-1") =>
  resolveStackConfig({
    project: "ml-pipeline",
    stack,
    region: region ?? undefined,
    values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)])),
  });

/** The ConfigError thrown for `values`; fails the test if none is. */
function problemsOf(values: Record<string, unknown>, stack = "dev", region: string | null = "us-east-1"): ConfigError {
  try {
    resolve(values, stack, region);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(values)}`);
}

function assertProblem(values: Record<string, unknown>, key: string, value: string, allowed: RegExp, stack = "dev") {
  const err = problemsOf(values, stack);
  const p = err.problems.find((x) => x.key === key);
  assert.ok(p, `no problem reported for ${key}; got: ${err.message}`);
  assert.equal(p.value, value);
  assert.match(p.message, allowed);
  assert.ok(err.message.includes(`${key} = ${value}: `), "the message names key and value on one line");
  assert.ok(!/\n\s+at /.test(err.message), "no stack trace in the message");
}

describe("stack config: defaults per profile", () => {
  it("dev is disposable: serverless endpoint, lambda preprocessing, no schedule, no spot", () => {
    const c = resolve({});
    assert.equal(c.profile, "dev");
    assert.equal(c.namePrefix, "ml-pipeline-dev");
    assert.equal(c.dataBucket.protect, false);
    assert.equal(c.endpoint.kind, "serverless");
    assert.equal(c.preprocessing.kind, "lambda");
    assert.equal(c.schedule.enabled, false);
    assert.equal(c.training.spot.enabled, false);
  });

  it("prod is durable: protected bucket, instance endpoint with >= 2 instances, weekly schedule, spot training", () => {
    const c = resolve({}, "prod");
    assert.equal(c.dataBucket.protect, true);
    assert.equal(c.endpoint.kind, "instance");
    if (c.endpoint.kind !== "instance") return;
    assert.ok(c.endpoint.autoscaling.minCapacity >= 2);
    assert.equal(c.endpoint.deployment.trafficRouting, "CANARY");
    assert.equal(c.endpoint.dataCapture.enabled, true);
    assert.equal(c.schedule.enabled, true);
    assert.equal(c.training.spot.enabled, true);
    assert.equal(c.preprocessing.kind, "processing");
  });

  it("a stack sets only what differs: nested objects merge over the defaults", () => {
    const c = resolve({ endpoint: { kind: "instance", autoscaling: { maxCapacity: 8 } } }, "prod");
    assert.equal(c.endpoint.kind, "instance");
    if (c.endpoint.kind !== "instance") return;
    assert.equal(c.endpoint.autoscaling.maxCapacity, 8);
    assert.equal(c.endpoint.autoscaling.minCapacity, 2, "sibling keys keep their defaults");
  });

  it("switching kind picks that kind's defaults", () => {
    const c = resolve({ endpoint: { kind: "instance" } }, "dev");
    assert.equal(c.endpoint.kind, "instance");
    const p = resolve({ preprocessing: { kind: "lambda" } }, "prod");
    assert.equal(p.preprocessing.kind, "lambda");
  });

  it("hyperparameters given as YAML numbers become the strings SageMaker requires", () => {
    const c = resolve({ training: { hyperparameters: { max_depth: 7, eta: 0.1 } } });
    assert.equal(c.training.hyperparameters.max_depth, "7");
    assert.equal(c.training.hyperparameters.eta, "0.1");
  });
});

describe("stack config: one clear error per mistake", () => {
  it("unknown instance type for hosting names the key, the value and the allowed families", () => {
    assertProblem({ endpoint: { kind: "instance", instanceType: "ml.x9.huge" } }, "ml-pipeline:endpoint.instanceType", '"ml.x9.huge"', /allowed: ml\.t2, ml\.m5/);
  });

  it("a training type used for hosting says where it is valid", () => {
    assertProblem({ endpoint: { kind: "instance", instanceType: "ml.t3.medium" } }, "ml-pipeline:endpoint.instanceType", '"ml.t3.medium"', /valid for training and processing, not hosting/);
  });

  it("ml.t2.medium is not a training type", () => {
    assertProblem({ training: { instanceType: "ml.t2.medium" } }, "ml-pipeline:training.instanceType", '"ml.t2.medium"', /valid for hosting, not training/);
  });

  it("negative count", () => {
    assertProblem({ training: { instanceCount: -2 } }, "ml-pipeline:training.instanceCount", "-2", />=1/);
  });

  it("serverless memory outside SageMaker's allowed values", () => {
    assertProblem({ endpoint: { memorySizeMb: 8192 } }, "ml-pipeline:endpoint.memorySizeMb", "8192", /1024, 2048, 3072, 4096, 5120, 6144/);
    assertProblem({ endpoint: { memorySizeMb: 1500 } }, "ml-pipeline:endpoint.memorySizeMb", "1500", /1024/);
  });

  it("serverless concurrency above 200", () => {
    assertProblem({ endpoint: { maxConcurrency: 500 } }, "ml-pipeline:endpoint.maxConcurrency", "500", /<=200/);
  });

  it("malformed schedule expressions", () => {
    assertProblem({ schedule: { expression: "every sunday" } }, "ml-pipeline:schedule.expression", '"every sunday"', /rate\(7 days\)/);
    assertProblem({ schedule: { expression: "cron(0 3 * * SUN *)" } }, "ml-pipeline:schedule.expression", '"cron(0 3 * * SUN *)"', /exactly one of day-of-month and day-of-week/);
    assertProblem({ schedule: { expression: "cron(0 3 ? * SUN)" } }, "ml-pipeline:schedule.expression", '"cron(0 3 ? * SUN)"', /6 fields/);
    assertProblem({ schedule: { expression: "rate(1 days)" } }, "ml-pipeline:schedule.expression", '"rate(1 days)"', /singular/);
  });

  it("missing required keys: region, and profile for a stack that is neither dev nor prod", () => {
    const err = problemsOf({}, "staging", null);
    assert.deepEqual(err.problems.map((p) => p.key).sort(), ["aws:region", "ml-pipeline:profile"]);
    assert.match(err.message, /aws:region = \(missing\): required/);
    assert.match(err.message, /ml-pipeline:profile = \(missing\): required for stack "staging".*allowed: dev, prod/);
  });

  it("a string where a number belongs", () => {
    assertProblem({ training: { volumeSizeGb: "thirty" } }, "ml-pipeline:training.volumeSizeGb", '"thirty"', /expected number, received string/);
  });

  it("a scalar where an object belongs", () => {
    assertProblem({ training: "big" }, "ml-pipeline:training", '"big"', /expected object/);
  });

  it("a misspelt key is reported, not ignored", () => {
    assertProblem({ endpoint: { maxConcurency: 5 } }, "ml-pipeline:endpoint.maxConcurency", "5", /unknown key; did you mean "maxConcurrency"\?/);
    assertProblem({ trainin: {} }, "ml-pipeline:trainin", "{}", /unknown config key; did you mean "training"\? allowed: .*training/);
    // Case and a nested section: the key of the variant in use, and the section's keys listed.
    assertProblem({ endpoint: { modelDatakey: "artifacts/m.tar.gz" } }, "ml-pipeline:endpoint.modelDatakey", '"artifacts/m.tar.gz"', /did you mean "modelDataKey"\?/);
    assertProblem({ training: { spot: { enabeld: true } } }, "ml-pipeline:training.spot.enabeld", "true", /did you mean "enabled"\? allowed here: enabled, maxWaitSeconds;/);
    // Nothing close: no guess, only where to look.
    assertProblem({ endpoint: { colour: "blue" } }, "ml-pipeline:endpoint.colour", '"blue"', /^unknown key; (?!did you mean).*docs\/configuration\.md lists every key$/);
  });

  it("settings serverless endpoints do not support are refused with the reason, not dropped", () => {
    assertProblem({ endpoint: { dataCapture: { enabled: true, samplingPercentage: 5 } } }, "ml-pipeline:endpoint.dataCapture", '{"enabled":true,"samplingPercentage":5}', /serverless endpoints do not support data capture/);
    assertProblem({ endpoint: { networkIsolation: true } }, "ml-pipeline:endpoint.networkIsolation", "true", /do not support network isolation/);
  });

  it("cross-field rules: spot wait below runtime, min above max, initial count outside the range", () => {
    assertProblem({ training: { spot: { enabled: true, maxWaitSeconds: 600 }, maxRuntimeSeconds: 3600 } }, "ml-pipeline:training.spot.maxWaitSeconds", "600", /must be >= maxRuntimeSeconds/);
    assertProblem({ endpoint: { autoscaling: { minCapacity: 5, maxCapacity: 3 } } }, "ml-pipeline:endpoint.autoscaling.minCapacity", "5", /<= autoscaling.maxCapacity/, "prod");
    assertProblem({ endpoint: { initialInstanceCount: 9 } }, "ml-pipeline:endpoint.initialInstanceCount", "9", /within autoscaling/, "prod");
  });

  it("distributed training: every instance must get train data, and the algorithm must support the mode", () => {
    // The XGBoost container leaves a host without train data out of training (train.py): billed idle.
    assertProblem({ training: { instanceCount: 4 } }, "ml-pipeline:training.instanceCount", "4", /Lambda preprocessing writes 1 train file: 3 instances would get no data.*preprocessing.kind processing with instanceCount >= 4/);
    assertProblem(
      { training: { instanceCount: 4 }, preprocessing: { kind: "processing", instanceCount: 2 } },
      "ml-pipeline:training.instanceCount", "4", /processing on 2 instances writes at most 2 train files: 2 instances would get no data/,
    );
    assertProblem(
      { training: { instanceCount: 2, trainDataDistribution: "FullyReplicated" }, preprocessing: { kind: "processing", instanceCount: 2 } },
      "ml-pipeline:training.trainDataDistribution", '"FullyReplicated"', /every instance would read and train on all of train\/ \(no speed-up, 2x the cost\)/,
    );
    // GPU: only Dask trains the built-in XGBoost on several GPU instances (AWS XGBoost guide).
    assertProblem(
      { training: { instanceCount: 2, instanceType: "ml.g5.xlarge" } },
      "ml-pipeline:training.hyperparameters.use_dask_gpu_training", "(missing)", /only with Dask: set training.hyperparameters.use_dask_gpu_training to "true"/,
    );
    assertProblem(
      { training: { instanceCount: 2, instanceType: "ml.g5.xlarge", trainDataDistribution: "ShardedByS3Key", hyperparameters: { use_dask_gpu_training: true } } },
      "ml-pipeline:training.trainDataDistribution", '"ShardedByS3Key"', /Dask GPU training needs the train channel FullyReplicated/,
    );
    assertProblem(
      { training: { hyperparameters: { use_dask_gpu_training: "true" } } },
      "ml-pipeline:training.hyperparameters.use_dask_gpu_training", '"true"', /ml.m5.large has no GPU/,
    );
    // A custom image decides how it reads; the stack must say.
    assertProblem(
      { training: { instanceCount: 2, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1" } },
      "ml-pipeline:training.trainDataDistribution", "(missing)", /required with a custom training.image and instanceCount 2: ShardedByS3Key .* or FullyReplicated/,
    );
  });

  it("distributed training that every instance can take part in is accepted", () => {
    assert.doesNotThrow(() => resolve({ training: { instanceCount: 4 }, preprocessing: { kind: "processing", instanceCount: 4 } }, "prod"));
    assert.doesNotThrow(() => resolve({ training: { instanceCount: 2, instanceType: "ml.g5.xlarge", hyperparameters: { use_dask_gpu_training: "true" } } }));
    assert.doesNotThrow(() =>
      resolve({ training: { instanceCount: 3, image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/train:1", trainDataDistribution: "FullyReplicated" } }),
    );
  });

  it("scheduled evaluation: a gate metric it can compute, a batch transform type, a positive tolerance", () => {
    assertProblem({ monitoring: { evaluation: { enabled: true } }, training: { objective: { metric: "validation:ndcg", goal: "Maximize", threshold: 0.5 } } }, "ml-pipeline:monitoring.evaluation.enabled", "true", /computes training.objective.metric \(validation:ndcg\) .* supports auc, error, logloss, mae, rmse/);
    assertProblem({ monitoring: { evaluation: { transformInstanceType: "ml.t2.medium" } } }, "ml-pipeline:monitoring.evaluation.transformInstanceType", '"ml.t2.medium"', /not a SageMaker batch transform instance type; allowed: ml.m5.large/, "prod");
    assertProblem({ monitoring: { evaluation: { instanceType: "ml.t2.medium" } } }, "ml-pipeline:monitoring.evaluation.instanceType", '"ml.t2.medium"', /not a SageMaker processing instance type/, "prod");
    assertProblem({ monitoring: { evaluation: { tolerance: 0 } } }, "ml-pipeline:monitoring.evaluation.tolerance", "0", />0/, "prod");
    assertProblem({ monitoring: { evaluation: { frequency: "hourly" } } }, "ml-pipeline:monitoring.evaluation.frequency", '"hourly"', /daily.*weekly|weekly.*daily/, "prod");
    assert.doesNotThrow(() => resolve({ monitoring: { evaluation: { enabled: true } } }), "dev with a serverless endpoint: evaluation scores the model, not the endpoint");
  });

  it("drift monitoring needs an instance endpoint with data capture (serverless endpoints have no data capture); thresholds within their ranges", () => {
    assertProblem({ monitoring: { drift: { enabled: true } } }, "ml-pipeline:monitoring.drift.enabled", "true", /serverless endpoints do not support data capture \(AWS\), which drift monitoring reads/);
    assertProblem({ monitoring: { drift: { psiThreshold: 0 } } }, "ml-pipeline:monitoring.drift.psiThreshold", "0", />0/, "prod");
    assertProblem({ monitoring: { drift: { ksThreshold: 1.5 } } }, "ml-pipeline:monitoring.drift.ksThreshold", "1.5", /<=1/, "prod");
    assertProblem({ monitoring: { drift: { minSamples: 0 } } }, "ml-pipeline:monitoring.drift.minSamples", "0", />=1/, "prod");
    assertProblem({ monitoring: { drift: { psiThreshold: "0.2" } } }, "ml-pipeline:monitoring.drift.psiThreshold", '"0.2"', /expected number/, "prod");
    assertProblem({ endpoint: { kind: "instance", dataCapture: { enabled: false, samplingPercentage: 10 } } }, "ml-pipeline:monitoring.drift.enabled", "true", /set endpoint.dataCapture.enabled: true, or monitoring.drift.enabled: false/, "prod");
    assertProblem({ monitoring: { drift: { frequency: "hourly", maxRuntimeSeconds: 7200 } } }, "ml-pipeline:monitoring.drift.maxRuntimeSeconds", "7200", /an hourly drift check must end within the hour: maxRuntimeSeconds of at most 3600/, "prod");
    assertProblem({ monitoring: { minHoursBetweenRetrains: 0 } }, "ml-pipeline:monitoring.minHoursBetweenRetrains", "0", />=1/, "prod");
    assertProblem({ monitoring: { drift: { instanceType: "ml.t2.medium" } } }, "ml-pipeline:monitoring.drift.instanceType", '"ml.t2.medium"', /not a SageMaker processing instance type/, "prod");
    assert.equal(resolve({}, "prod").monitoring.drift.enabled, true);
    assert.equal(resolve({}, "dev").monitoring.drift.enabled, false);
  });

  it("a region without a built-in image registry needs a custom image", () => {
    const err = problemsOf({}, "dev", "xx-north-9");
    assert.match(err.message, /aws:region = "xx-north-9": no built-in SageMaker image registry/);
    assert.doesNotThrow(() =>
      resolve({ training: { image: "123456789012.dkr.ecr.xx-north-9.amazonaws.com/train:1" } }, "dev", "xx-north-9"),
    );
  });

  it("a key administrator that is not an IAM role or user ARN", () => {
    assertProblem({ dataBucket: { keyAdministrators: ["arn:aws:sts::123456789012:assumed-role/Admin/me"] } }, "ml-pipeline:dataBucket.keyAdministrators[0]", '"arn:aws:sts::123456789012:assumed-role/Admin/me"', /expected an IAM role or user ARN/);
  });

  it("reserved concurrency is off unless set, and bounded when set", () => {
    const c = resolve({});
    assert.ok(c.preprocessing.kind === "lambda" && c.preprocessing.reservedConcurrency === undefined);
    assertProblem({ preprocessing: { reservedConcurrency: 0 } }, "ml-pipeline:preprocessing.reservedConcurrency", "0", />=1/);
  });

  it("every problem of a config is listed in the one message", () => {
    const err = problemsOf({ training: { instanceCount: 0, volumeSizeGb: "x" }, schedule: { expression: "daily" } });
    assert.equal(err.problems.length, 3);
    assert.match(err.message, /\(3 problems\); nothing was deployed/);
  });
});

describe("stack config: property-based", () => {
  const notAnInteger = fc.oneof(fc.string(), fc.boolean(), fc.double({ noInteger: true, noNaN: true }), fc.constant(null));

  it("any non-hosting string as endpoint.instanceType is rejected, naming key and value", () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !HOSTING_INSTANCE_TYPES.includes(s)), (bad) => {
        const err = problemsOf({ endpoint: { kind: "instance", instanceType: bad } }, "prod");
        return err.problems.length === 1 && err.problems[0].key === "ml-pipeline:endpoint.instanceType" && err.problems[0].value === JSON.stringify(bad);
      }),
      { numRuns: 200 },
    );
  });

  it("any count outside 1..100 or not an integer is rejected", () => {
    const badCount = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 101 }), notAnInteger);
    fc.assert(
      fc.property(badCount, fc.constantFrom("training", "preprocessing"), (bad, section) => {
        const values = section === "training" ? { training: { instanceCount: bad } } : { preprocessing: { kind: "processing", instanceCount: bad } };
        const err = problemsOf(values);
        return err.problems.some((p) => p.key === `ml-pipeline:${section}.instanceCount` && p.value === JSON.stringify(bad));
      }),
      { numRuns: 200 },
    );
  });

  it("any serverless memory that is not a multiple of 1024 in 1024..6144 is rejected", () => {
    const bad = fc.integer({ min: -10_000, max: 20_000 }).filter((n) => !(n % 1024 === 0 && n >= 1024 && n <= 6144));
    fc.assert(
      fc.property(bad, (n) => problemsOf({ endpoint: { memorySizeMb: n } }).problems.some((p) => p.key === "ml-pipeline:endpoint.memorySizeMb")),
      { numRuns: 200 },
    );
  });

  it("random garbage schedule expressions are rejected with the expected forms named", () => {
    fc.assert(
      fc.property(fc.string().filter((s) => scheduleExpressionProblem(s) !== undefined), (expr) => {
        const err = problemsOf({ schedule: { expression: expr } });
        return err.problems[0].key === "ml-pipeline:schedule.expression" && err.problems[0].message.length > 10;
      }),
      { numRuns: 200 },
    );
  });

  it("random mutations of a valid config never crash: valid, or a ConfigError naming a real key", () => {
    const mutation = fc.record({
      section: fc.constantFrom("training", "endpoint", "schedule", "dataBucket", "monitoring"),
      key: fc.constantFrom("instanceType", "instanceCount", "memorySizeMb", "expression", "protect", "logRetentionDays", "kind", "spot"),
      value: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 })),
    });
    fc.assert(
      fc.property(mutation, fc.constantFrom("dev", "prod"), ({ section, key, value }, stack) => {
        try {
          resolve({ [section]: { [key]: value } }, stack);
          return true;
        } catch (e) {
          if (!(e instanceof ConfigError)) return false;
          return e.problems.every((p) => p.key.startsWith(`ml-pipeline:${section}`) && p.message.length > 0);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("schedule expressions", () => {
  it("accepts rate() and cron() forms", () => {
    for (const e of ["rate(1 day)", "rate(7 days)", "rate(30 minutes)", "cron(0 3 ? * SUN *)", "cron(15 2 1 * ? *)", "cron(0/30 8-17 ? * MON-FRI *)"]) {
      assert.equal(scheduleExpressionProblem(e), undefined, e);
    }
  });

  it("counts runs per month as an upper bound", () => {
    assert.equal(runsPerMonth("rate(1 day)"), Math.ceil(730 / 24));
    assert.equal(runsPerMonth("rate(7 days)"), Math.ceil(730 / 168));
    assert.equal(runsPerMonth("cron(0 3 ? * SUN *)"), 5);
    assert.equal(runsPerMonth("cron(15 2 1 * ? *)"), 1);
  });
});

describe("schedule expressions: AWS's cron, as EventBridge reads it", () => {
  it("a step from a value counts like a step from *: 0/15 is every 15 minutes (EventBridge cron reference)", () => {
    assert.equal(runsPerMonth("cron(0/15 * * * ? *)"), runsPerMonth("cron(*/15 * * * ? *)"));
    assert.equal(runsPerMonth("cron(0/15 * * * ? *)"), 4 * 24 * 31, "the worst month has 31 days");
  });

  it("values outside a field's range, and unknown names, are rejected naming the field", () => {
    for (const [expression, field] of [["cron(99 3 ? * SUN *)", "minutes"], ["cron(0 25 * * ? *)", "hours"], ["cron(0 3 32 * ? *)", "day-of-month"], ["cron(0 3 ? * FOO *)", "day-of-week"], ["cron(0 3 ? 13 MON *)", "month"], ["cron(0 3 ? * MON 2300)", "year"]]) {
      assert.match(scheduleExpressionProblem(expression) ?? "", new RegExp(`${field} field`), expression);
    }
  });

  it("L, W and # pick one day of the month; plain weekdays count five times", () => {
    assert.equal(runsPerMonth("cron(0 12 L * ? *)"), 1);
    assert.equal(runsPerMonth("cron(0 12 15W * ? *)"), 1);
    assert.equal(runsPerMonth("cron(0 9 ? * 2#1 *)"), 1);
    assert.equal(runsPerMonth("cron(0 9 ? * 6L *)"), 1);
    assert.equal(runsPerMonth("cron(0 9 ? * MON-FRI *)"), 25);
  });
});

describe("stack config: hyperparameter tuning (training.tuning)", () => {
  // Ranges and metrics of the built-in XGBoost: AWS's "Tune an XGBoost Model" page, as stacks/xgboostTuning.ts cites it.
  const tuning = (t: Record<string, unknown>, training: Record<string, unknown> = {}) => ({ training: { ...training, tuning: { enabled: true, ...t } } });
  const eta = { continuous: { eta: { min: 0.1, max: 0.3 } } };

  it("is off by default in both profiles, and a valid search resolves with the profile's other defaults", () => {
    for (const stack of ["dev", "prod"]) assert.equal(resolve({}, stack).training.tuning.enabled, false, stack);
    const c = resolve(tuning({ ranges: { ...eta, integer: { max_depth: { min: 3, max: 10 } }, categorical: { colsample_bytree: ["0.5", "1"] } } }), "prod");
    assert.deepEqual([c.training.tuning.strategy, c.training.tuning.maxTrainingJobs, c.training.tuning.maxParallelTrainingJobs, c.training.tuning.earlyStopping], ["Bayesian", 20, 2, "Auto"]);
  });

  it("refuses what the built-in XGBoost cannot tune, a range of the wrong kind, and bounds outside AWS's documented range", () => {
    assertProblem(tuning({ ranges: { continuous: { learning_rate: { min: 0.1, max: 0.3 } } } }), "ml-pipeline:training.tuning.ranges.continuous.learning_rate", '{"min":0.1,"max":0.3}', /not a tunable hyperparameter of the built-in XGBoost; tunable: alpha, .*eta.*subsample/);
    assertProblem(tuning({ ranges: { continuous: { max_depth: { min: 3, max: 10 } } } }), "ml-pipeline:training.tuning.ranges.continuous.max_depth", '{"min":3,"max":10}', /max_depth is tuned as an integer range, not continuous/);
    assertProblem(tuning({ ranges: { continuous: { eta: { min: 0.05, max: 0.3 } } } }), "ml-pipeline:training.tuning.ranges.continuous.eta", '{"min":0.05,"max":0.3}', /outside the range AWS documents for eta: \[0\.1, 0\.5\]/);
    assertProblem(tuning({ ranges: { integer: { num_round: { min: 500, max: 100 } } } }), "ml-pipeline:training.tuning.ranges.integer.num_round", '{"min":500,"max":100}', /min 500 is greater than max 100/);
    assertProblem(tuning({ ranges: {} }), "ml-pipeline:training.tuning.ranges", "{}", /at least one range/);
    // The API's scaling rules: logarithmic above 0, reverse logarithmic within [0, 1).
    assertProblem(tuning({ ranges: { continuous: { alpha: { min: 0, max: 100, scaling: "Logarithmic" } } } }), "ml-pipeline:training.tuning.ranges.continuous.alpha", '{"min":0,"max":100,"scaling":"Logarithmic"}', /Logarithmic scaling needs every value above 0; min is 0/);
    assertProblem(tuning({ ranges: { continuous: { subsample: { min: 0.5, max: 1, scaling: "ReverseLogarithmic" } } } }), "ml-pipeline:training.tuning.ranges.continuous.subsample", '{"min":0.5,"max":1,"scaling":"ReverseLogarithmic"}', /ReverseLogarithmic scaling needs 0 <= min and max < 1/);
    assert.equal(resolve(tuning({ ranges: { continuous: { alpha: { min: 0.001, max: 100, scaling: "Logarithmic" } } } })).training.tuning.enabled, true);
    assertProblem(tuning({ ranges: { integer: { max_depth: { min: 2.5, max: 10 } } } }), "ml-pipeline:training.tuning.ranges.integer.max_depth.min", "2.5", /expected int/);
  });

  it("tunes toward the gate: the objective must be a metric XGBoost reports for tuning, in its direction", () => {
    assertProblem(tuning({ ranges: eta }, { objective: { metric: "train:auc", goal: "Maximize", threshold: 0.7 } }), "ml-pipeline:training.objective.metric", '"train:auc"', /the built-in XGBoost reports these for tuning: validation:accuracy, validation:auc/);
    assertProblem(tuning({ ranges: eta }, { objective: { metric: "validation:rmse", goal: "Maximize", threshold: 0.7 } }), "ml-pipeline:training.objective.goal", '"Maximize"', /validation:rmse is better when lower: .*use Minimize/);
  });

  it("holds SageMaker's strategy rules: Grid is categorical and runs every combination; Hyperband stops jobs itself and needs its resource bound", () => {
    assertProblem(tuning({ strategy: "Grid", ranges: eta }), "ml-pipeline:training.tuning.ranges", '{"continuous":{"eta":{"min":0.1,"max":0.3}}}', /Grid strategy searches categorical ranges only; eta is continuous or integer/);
    assertProblem(tuning({ strategy: "Grid", maxTrainingJobs: 5, ranges: { categorical: { max_depth: ["4", "6"], eta: ["0.1", "0.2", "0.3"] } } }), "ml-pipeline:training.tuning.maxTrainingJobs", "5", /set maxTrainingJobs to 6/);
    assert.equal(resolve(tuning({ strategy: "Grid", maxTrainingJobs: 6, ranges: { categorical: { max_depth: ["4", "6"], eta: ["0.1", "0.2", "0.3"] } } })).training.tuning.maxTrainingJobs, 6);
    assertProblem(tuning({ strategy: "Hyperband", hyperband: { minResource: 10, maxResource: 200 }, ranges: eta }), "ml-pipeline:training.tuning.earlyStopping", '"Auto"', /requires earlyStopping Off/);
    assertProblem(tuning({ strategy: "Hyperband", earlyStopping: "Off", ranges: eta }), "ml-pipeline:training.tuning.hyperband", "(missing)", /needs hyperband\.maxResource/);
    assertProblem(tuning({ strategy: "Hyperband", earlyStopping: "Off", hyperband: { minResource: 300, maxResource: 200 }, ranges: eta }), "ml-pipeline:training.tuning.hyperband", '{"minResource":300,"maxResource":200}', /minResource 300 is greater than maxResource 200/);
    assertProblem(tuning({ hyperband: { minResource: 1, maxResource: 10 }, ranges: eta }), "ml-pipeline:training.tuning.hyperband", '{"minResource":1,"maxResource":10}', /Hyperband strategy only \(strategy is Bayesian\)/);
    assertProblem(tuning({ strategy: "Annealing", ranges: eta }), "ml-pipeline:training.tuning.strategy", '"Annealing"', /Bayesian.*Random.*Hyperband.*Grid/);
    // 750 jobs one at a time of up to 28 days: far past SageMaker's limit for a tuning job.
    assertProblem(tuning({ maxTrainingJobs: 750, maxParallelTrainingJobs: 1, ranges: eta }, { maxRuntimeSeconds: 28 * 24 * 3600 }), "ml-pipeline:training.tuning.maxTrainingJobs", "750", /750 rounds of jobs of up to 2419200 s .* beyond SageMaker's 15768000 s for a tuning job/);
    assertProblem(tuning({ maxTrainingJobs: 4, maxParallelTrainingJobs: 8, ranges: eta }), "ml-pipeline:training.tuning.maxParallelTrainingJobs", "8", /more parallel jobs than jobs in all \(maxTrainingJobs 4\)/);
  });

  it("a tuning job's name is at most 32 characters: a namePrefix over 16 is refused, naming both", () => {
    const err = problemsOf({ profile: "prod", namePrefix: "ml-pipeline-staging", ...tuning({ ranges: eta }) }, "staging");
    const p = err.problems.find((x) => x.key === "ml-pipeline:training.tuning.enabled");
    assert.ok(p, err.message);
    assert.match(p.message, /at most 32 characters .*namePrefix of at most 16; "ml-pipeline-staging" has 19/);
  });

  it("a custom image tunes any hyperparameter, but needs a metric definition for its objective", () => {
    const image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/trainer:1";
    const objective = { metric: "validation:f2", goal: "Maximize", threshold: 0.5 };
    assertProblem(tuning({ ranges: { continuous: { dropout: { min: 0, max: 0.5 } } } }, { image, objective }), "ml-pipeline:training.metricDefinitions", "[]", /needs a metric definition of that name/);
    const ok = resolve(tuning({ ranges: { continuous: { dropout: { min: 0, max: 0.5 } } } }, { image, objective, metricDefinitions: [{ name: "validation:f2", regex: "f2=([0-9.]+)" }] }));
    assert.equal(ok.training.tuning.enabled, true);
  });
});
