/**
 * Stack config as the Pulumi CLI reads it: `Pulumi.yaml`'s project-level `config:`
 * (defaults, values for other namespaces, required keys, types, secrets), PULUMI_CONFIG,
 * and ESC `environment:` imports, which an offline plan cannot open.
 *
 * Expected behaviour is the CLI's, cited from pulumi/pulumi sdk/go/common/workspace:
 * project.go RewriteShorthandConfigValues (shorthand → default or value), loaders/config.go
 * mergeConfig (stack value wins; required keys; "Stack '%v' is missing configuration value %v"),
 * validateStackConfigValue / ValidateConfigValue ("must be of type", "must be encrypted").
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { applyProjectConfig, readStackFiles } from "../plan/src/engine/stackFiles";
import { PROJECT_DIR } from "./support/stacks";

const made: string[] = [];
function projectDir(projectYaml: string, stackYaml: string, stack = "dev"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-config-"));
  made.push(dir);
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), projectYaml);
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stackYaml);
  return dir;
}

describe("stack config as the Pulumi CLI reads it", () => {
  after(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  describe("Pulumi.yaml config: (applyProjectConfig)", () => {
    it("a shorthand entry is a default for the project's keys and a value for another namespace's", () => {
      const config = applyProjectConfig("app", "dev", { instanceSize: "t3.micro", "aws:region": "us-west-2", replicas: 2, flags: ["a", "b"] }, {});
      assert.deepEqual(config, { "app:instanceSize": "t3.micro", "aws:region": "us-west-2", "app:replicas": "2", "app:flags": '["a","b"]' });
    });

    it("the stack's own value wins over the project's default and value", () => {
      const config = applyProjectConfig("app", "dev", { instanceSize: { type: "string", default: "t3.micro" }, "aws:region": { value: "us-west-2" } }, { "app:instanceSize": "m5.large", "aws:region": "eu-west-1" });
      assert.equal(config["app:instanceSize"], "m5.large");
      assert.equal(config["aws:region"], "eu-west-1");
    });

    it("an object default reaches the program as JSON, like a structured stack value", () => {
      const config = applyProjectConfig("app", "dev", { endpoint: { default: { kind: "serverless", memoryMb: 2048 } } }, {});
      assert.deepEqual(JSON.parse(config["app:endpoint"]), { kind: "serverless", memoryMb: 2048 });
    });

    it("project keys declared without a default must be set by the stack: one message naming them all", () => {
      assert.throws(
        () => applyProjectConfig("app", "prod", { bucketName: { type: "string" }, owner: { type: "string", description: "team" }, "aws:profile": { type: "string" } }, {}),
        { message: "Stack 'prod' is missing configuration values 'bucketName', 'owner', declared in Pulumi.yaml without a default; set them in Pulumi.prod.yaml" },
      );
    });

    it("a typed key's stack value must have its type (integer, boolean, array<items>)", () => {
      const declared = { count: { type: "integer" }, enabled: { type: "boolean" }, zones: { type: "array", items: { type: "string" } } };
      assert.doesNotThrow(() => applyProjectConfig("app", "dev", declared, { "app:count": "3", "app:enabled": "false", "app:zones": '["a","b"]' }));
      assert.throws(() => applyProjectConfig("app", "dev", declared, { "app:count": "three", "app:enabled": "true", "app:zones": "[]" }), { message: "Stack 'dev' with configuration key 'count' must be of type 'integer' (got three)" });
      assert.throws(() => applyProjectConfig("app", "dev", declared, { "app:count": "1", "app:enabled": "yes", "app:zones": "[]" }), /key 'enabled' must be of type 'boolean' \(got yes\)/);
      assert.throws(() => applyProjectConfig("app", "dev", declared, { "app:count": "1", "app:enabled": "true", "app:zones": "[1]" }), /key 'zones' must be of type 'array<string>'/);
    });

    it("a key the project marks secret must be encrypted in the stack", () => {
      assert.throws(() => applyProjectConfig("app", "dev", { token: { type: "string", secret: true } }, { "app:token": "plain" }), { message: "Stack 'dev' with configuration key 'token' must be encrypted as it's secret (pulumi config set --secret token)" });
      assert.doesNotThrow(() => applyProjectConfig("app", "dev", { token: { type: "string", secret: true } }, { "app:token": "x" }, new Set(["app:token"]), ["app:token"]));
    });

    it("rejects what the CLI rejects in the project file: unknown attributes, a default on another namespace", () => {
      assert.throws(() => applyProjectConfig("app", "dev", { size: { type: "string", defualt: "x" } }, {}), { message: "Pulumi.yaml: config key 'size' has 'defualt'; allowed: type, description, items, default, value, secret" });
      assert.throws(() => applyProjectConfig("app", "dev", { "aws:region": { default: "us-east-1" } }, {}), /'aws:region' is not namespaced by the project and cannot have a default; use 'value'/);
      assert.throws(() => applyProjectConfig("app", "dev", ["a"], {}), /config must be a map/);
    });
  });

  describe("reading a project directory (readStackFiles)", () => {
    it("applies Pulumi.yaml defaults under the stack file's values", () => {
      const dir = projectDir("name: app\nruntime: nodejs\nconfig:\n  size: small\n  aws:region: us-west-2\n", "config:\n  app:size: large\n");
      assert.deepEqual(readStackFiles(dir, "dev", {}).config, { "app:size": "large", "aws:region": "us-west-2" });
    });

    it("PULUMI_CONFIG wins over both, and its keys without a namespace are the project's (as ESC's pulumiConfig)", () => {
      const dir = projectDir("name: app\nruntime: nodejs\nconfig:\n  size: small\n", "config:\n  app:size: large\n");
      assert.deepEqual(readStackFiles(dir, "dev", { PULUMI_CONFIG: '{"size":"huge","aws:region":"eu-west-1"}' }).config, { "app:size": "huge", "aws:region": "eu-west-1" });
    });

    it("a key the project declares secret, given through PULUMI_CONFIG, is a secret to the program", () => {
      const dir = projectDir("name: app\nruntime: nodejs\nconfig:\n  token:\n    type: string\n    secret: true\n", "config: {}\n");
      const files = readStackFiles(dir, "dev", { PULUMI_CONFIG: '{"app:token":"s3cr3t-value"}' });
      assert.equal(files.config["app:token"], "s3cr3t-value");
      assert.deepEqual(files.secretKeys, ["app:token"]);
    });

    it("a stack that imports an ESC environment is refused with the way to pass its values, unless PULUMI_CONFIG gives them", () => {
      const dir = projectDir("name: app\nruntime: nodejs\n", "environment:\n  - ml/dev-creds\nconfig:\n  app:size: large\n");
      assert.throws(() => readStackFiles(dir, "dev", {}), {
        message: `Pulumi.dev.yaml imports the ESC environment ml/dev-creds, which the offline plan cannot open. Pass the values it exports with PULUMI_CONFIG, e.g. PULUMI_CONFIG="$(esc env open <org>/ml/dev-creds pulumiConfig)".`,
      });
      assert.equal(readStackFiles(dir, "dev", { PULUMI_CONFIG: '{"token":"x"}' }).config["app:token"], "x");
    });
  });

  it("through the CLI: a missing required key and an ESC import exit 2 with the message, before any program runs", () => {
    const dir = projectDir("name: app\nruntime: nodejs\nconfig:\n  owner:\n    type: string\n", "config: {}\n");
    const run = (env: NodeJS.ProcessEnv) =>
      spawnSync(process.execPath, ["-r", path.join(PROJECT_DIR, "plan", "transpile.js"), path.join(PROJECT_DIR, "plan", "src", "run.ts"), "--program", dir, "--stack", "dev", "--quiet"], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 60_000, env });
    const env = { ...process.env };
    delete env.PULUMI_CONFIG;
    const missing = run(env);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /Stack 'dev' is missing configuration value 'owner', declared in Pulumi.yaml without a default/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /); // a message, not a stack trace
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "environment: [shared]\nconfig:\n  app:owner: ml\n");
    const esc = run(env);
    assert.equal(esc.status, 2);
    assert.match(esc.stderr, /imports the ESC environment shared, which the offline plan cannot open/);
  });
});
