/**
 * Runs a Pulumi TypeScript program under the SDK's mock engine and records every
 * resource it declares, with its inputs and its resource options. Used by the tests
 * and by the offline plan; the program itself runs unchanged.
 */
import * as path from "path";
import * as url from "url";
import * as pulumi from "@pulumi/pulumi";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { autoName, autoNamedProperty } from "./autonaming";
import { fromSerialized } from "../analyzer/wire";
import { OFFLINE_INVOKES, policyDocument } from "./offlineInvokes";

// Exported by the SDK but marked internal (absent from its typings): resolves once every
// resource registration has reached the monitor.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };

export const MOCK_ACCOUNT_ID = "123456789012";

/**
 * A program elsewhere on disk may carry its own copy of the Pulumi SDK; mocks set on
 * ours would not reach it. Resolve the SDK and the AWS provider SDK from this project,
 * so that every program runs against the one mocked runtime.
 */
const SHARED_PACKAGES = /^@pulumi\/(pulumi|aws)(\/.*)?$/;
let resolverInstalled = false;
/** Modules loaded by program runs, reloaded by the next run. */
const programModules = new Set<string>();
function shareSdkWithPrograms(): void {
  if (resolverInstalled) return;
  resolverInstalled = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require("module") as { _resolveFilename: (request: string, parent: unknown, ...rest: unknown[]) => string };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request: string, parent: unknown, ...rest: unknown[]) {
    // Resolve as if this module asked: this project's copy. The provider SDK may be the
    // program's alone (the plan run with npx, or installed apart from the program): then the
    // program's copy, whose own import of @pulumi/pulumi comes back here, to the mocked one.
    if (SHARED_PACKAGES.test(request)) {
      try {
        return original.call(this, request, module, ...rest.slice(0, 1));
      } catch (e) {
        if (!request.startsWith("@pulumi/aws")) throw e;
      }
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** One declared resource, as the engine (and the policy pack) would see it. */
export interface DeclaredResource {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource (the stack for top-level ones). */
  parent?: string;
  /** Whether it is a custom resource (false for components). */
  custom: boolean;
  /** The resource's inputs (with the provider's auto-name filled in, as at preview). */
  inputs: Record<string, unknown>;
  /** URNs of the resources it depends on (inputs that are other resources' outputs, dependsOn). */
  dependencies: string[];
  /** Per input property, the URNs it depends on: how the engine pairs `bucket: b.id` with `b`. */
  propertyDependencies: Record<string, string[]>;
  /** Resource options the program set, as the engine would receive them. */
  options: { protect?: boolean; retainOnDelete?: boolean; ignoreChanges?: string[]; replaceOnChanges?: string[]; deleteBeforeReplace?: boolean; dependsOn: number };
  /**
   * Where the program declares it: the innermost frame of the SDK's registration stack
   * trace that lies in the program's own files (not its packages), as the engine records
   * the source position. Undefined when no frame does (a resource a package declares).
   */
  source?: SourcePosition;
}

export interface SourcePosition {
  /** Absolute path of the file. */
  file: string;
  line: number;
  column: number;
}

export interface RunOptions {
  /** Directory with `Pulumi.yaml` and the program's entry point. */
  programDir: string;
  project: string;
  stack: string;
  /** Config as `<namespace>:<key>` → string (objects as JSON text), as `pulumi config` stores it. */
  config: Record<string, string>;
  /** Config keys that hold secrets: the program's `config.get*` of them are secret outputs, as under the CLI. */
  secretKeys?: string[];
  /**
   * Where the program's console output and the SDK's log messages go (the CLI shows them as
   * diagnostics). Never stdout, which carries the plan's JSON; default: stderr.
   */
  programOutput?: (line: string) => void;
  /**
   * Simulate the first `pulumi preview` of a new stack: nothing exists yet, so no
   * computed output (ARN, id, generated name) is known; only inputs are.
   */
  firstPreview?: boolean;
  /**
   * Keep stack traces while the program runs. Off by default: the SDK captures one for each of
   * its promises, a third of a large plan's time; on to find where a failing program threw.
   */
  stackTraces?: boolean;
  /** The account `getCallerIdentity` answers and computed ARNs carry: the stack's own when its list names one (stacks.yaml), else MOCK_ACCOUNT_ID. */
  accountId?: string;
}

/** Where in the program's own files an error was thrown (`index.ts:12:7`), from its stack; undefined when no frame is the program's. */
export function programLocation(error: unknown, programDir: string): string | undefined {
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const dir = path.resolve(programDir) + path.sep;
  for (const m of stack.matchAll(/\(?((?:[A-Za-z]:)?[^\s()]+?):(\d+):(\d+)\)?$/gm)) {
    const file = m[1].startsWith("file://") ? url.fileURLToPath(m[1]) : m[1];
    if (file.startsWith(dir) && !file.includes(`${path.sep}node_modules${path.sep}`)) return `${path.relative(dir, file)}:${m[2]}:${m[3]}`;
  }
  return undefined;
}

/** The program failed; `resources` holds what it had declared before failing. */
export class ProgramError extends Error {
  /** Where the program threw, when known (`index.ts:12:7`); `threw`: the program's own error, not an invoke or reference the plan cannot answer. */
  location?: string;
  threw = false;
  constructor(
    message: string,
    readonly resources: DeclaredResource[],
  ) {
    super(message);
    this.name = "ProgramError";
  }
}

export interface RunResult {
  resources: DeclaredResource[];
  outputs: Record<string, unknown>;
}

interface RegisterRequest {
  getParent(): string;
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
  getPropertydependenciesMap(): { forEach(cb: (deps: { getUrnsList(): string[] }, key: string) => void): void };
  getStacktrace(): { getFramesList(): { getPc(): { getUri(): string; getLine(): number; getColumn(): number } | undefined }[] } | undefined;
}

/** The innermost registration frame in the program's own files (see DeclaredResource.source). */
function programSource(req: RegisterRequest, programDir: string): SourcePosition | undefined {
  for (const frame of req.getStacktrace()?.getFramesList() ?? []) {
    const pc = frame.getPc();
    if (!pc || !pc.getUri().startsWith("file:")) continue;
    const file = url.fileURLToPath(pc.getUri());
    if (!file.startsWith(programDir + path.sep) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    return { file, line: pc.getLine(), column: pc.getColumn() };
  }
  return undefined;
}

/** Physical name the provider would pick: the given one, else Pulumi's auto-name. */
function physicalName(name: string, inputs: Record<string, unknown>): string {
  for (const key of ["name", "bucket", "functionName"]) {
    if (typeof inputs[key] === "string") return inputs[key] as string;
  }
  return `${name}-1a2b3c4`;
}

/** Plausible computed outputs for a resource that exists (not used for a first preview). */
function computedOutputs(type: string, name: string, inputs: Record<string, unknown>, region: string, account: string): Record<string, unknown> {
  const phys = physicalName(name, inputs);
  const [pkg, mod] = type.split(":");
  const service = pkg === "aws" ? mod.split("/")[0] : "mock";
  const arn = service === "s3"
    ? `arn:aws:s3:::${phys}`
    : service === "iam"
      ? `arn:aws:iam::${account}:role/${phys}`
      : type === "aws:cloudwatch/logGroup:LogGroup"
        ? `arn:aws:logs:${region}:${account}:log-group:${phys}` // the provider's format (without the trailing :*)
        : `arn:aws:${service}:${region}:${account}:${phys}`;
  return { arn, name: phys, id: phys, keyId: `${phys}-key-id`, bucket: phys };
}

/** Runs the program and returns what it declared; rejects with the program's error. */
export async function runProgram(opts: RunOptions): Promise<RunResult> {
  shareSdkWithPrograms();
  const region = (opts.config["aws:region"] ?? "us-east-1").replace(/"/g, "");
  const account = opts.accountId ?? MOCK_ACCOUNT_ID;
  const resources: DeclaredResource[] = [];
  const options = new Map<string, DeclaredResource["options"]>();
  const firstPreview = opts.firstPreview ?? false;
  /** Provider functions the program called that need a live account. */
  const unanswered = new Set<string>();
  /** Stacks the program reads through a StackReference (their outputs live in the Pulumi backend). */
  const stackReferences = new Set<string>();

  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        if (args.type === "pulumi:pulumi:StackReference") {
          stackReferences.add(String(args.inputs.name ?? args.name));
          return { id: String(args.inputs.name ?? args.name), state: { name: args.inputs.name, outputs: {}, secretOutputNames: [] } };
        }
        // The inputs as the SDK serialized them (resources as references, secrets marked),
        // read the way the engine reads them; the mock's own copy has resources as objects.
        const inputs = (current.serialized ? fromSerialized(current.serialized) : { ...args.inputs }) as Record<string, unknown>;
        const named = args.custom === false ? undefined : autoNamedProperty(args.type);
        if (named && inputs[named] === undefined) inputs[named] = autoName(args.type, args.name, current.urn);
        resources.push({
          urn: current.urn,
          parent: current.parent || undefined,
          type: args.type,
          name: args.name,
          custom: args.custom ?? true,
          inputs,
          dependencies: current.dependencies,
          propertyDependencies: current.propertyDependencies,
          options: options.get(`${args.type}::${args.name}`) ?? { dependsOn: 0 },
          source: current.source,
        });
        const plain = { ...args.inputs, ...(named ? { [named]: inputs[named] } : {}) };
        if (firstPreview) return { id: undefined, state: plain };
        const state = { ...computedOutputs(args.type, args.name, plain, region, account), ...plain };
        return { id: String(state.id), state };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        switch (args.token) {
          case "aws:index/getCallerIdentity:getCallerIdentity":
            return { accountId: account, arn: `arn:aws:iam::${account}:user/plan`, userId: "PLAN", id: account };
          case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region };
          case "aws:index/getPartition:getPartition":
            return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
          case "aws:iam/getPolicyDocument:getPolicyDocument":
            return policyDocument(args.inputs as Parameters<typeof policyDocument>[0]);
          default:
            unanswered.add(args.token);
            throw new Error(`${args.token} needs a live AWS account; the offline plan answers only ${OFFLINE_INVOKES.map((t) => t.split(":").pop()).join(", ")}`);
        }
      },
    },
    opts.project,
    opts.stack,
    true, // a preview, as `pulumi preview` is (isDryRun): outputs the mock does not know are unknown, never undefined
  );
  pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);

  // MockResourceArgs carries no parent: read it, and the URN the monitor builds, off the request.
  const current = {
    urn: "",
    parent: "",
    dependencies: [] as string[],
    propertyDependencies: {} as Record<string, string[]>,
    serialized: undefined as Record<string, unknown> | undefined,
    source: undefined as SourcePosition | undefined,
  };
  const monitor = getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): Promise<void>;
    newUrn(parent: string, type: string, name: string): string;
  };
  const registerResource = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    current.parent = req.getParent();
    current.urn = monitor.newUrn(current.parent, req.getType(), req.getName());
    current.dependencies = req.getDependenciesList();
    current.serialized = req.getObject()?.toJavaScript();
    current.propertyDependencies = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      current.propertyDependencies[key] = deps.getUrnsList();
    });
    current.source = programSource(req, path.resolve(opts.programDir));
    return registerResource(req, cb);
  };

  // Modules a previous run loaded (the program and what it imports from its
  // repository) load afresh, so that each run declares its resources again. Modules
  // loaded outside a run (this engine, its callers) and packages stay as they are.
  for (const key of programModules) delete require.cache[key];
  programModules.clear();
  const loadedBefore = new Set(Object.keys(require.cache));
  const programDir = path.resolve(opts.programDir);

  // A failing program rejects more than one promise inside the SDK (the stack's own
  // and those of its outputs); the first one is reported below, the others must not
  // crash the process as unhandled.
  // A rejection nobody awaits (an Output whose invoke failed) still means the program failed:
  // it is kept, and reported if the run otherwise succeeds (resources may be missing).
  const rejections: unknown[] = [];
  const swallow = (e: unknown) => void rejections.push(e);
  process.on("unhandledRejection", swallow);
  // The program's console (and the SDK's warnings, which go to console without an engine).
  const write = opts.programOutput ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const consoleMethods = ["log", "info", "warn", "error", "debug"] as const;
  const savedConsole = consoleMethods.map((m) => console[m]);
  for (const m of consoleMethods) console[m] = (...args: unknown[]) => write(args.map((a) => (typeof a === "string" ? a : require("util").inspect(a))).join(" "));
  // Pulumi runs a program in its own directory: relative paths (assets, readFileSync) resolve there.
  const cwd = process.cwd();
  process.chdir(programDir);
  // A program that exits the process would take the plan (and its exit status) with it.
  const exit = process.exit;
  process.exit = ((code?: number) => {
    throw new Error(`the program called process.exit(${code ?? ""}); a Pulumi program declares resources and returns`);
  }) as typeof process.exit;
  // The SDK captures a stack trace for every promise it creates, for its leak report
  // (runtime/debuggable.js: `new Error().stack`); at 50 pipelines that was a third of the
  // plan's time. The plan reports program failures by message, and the SDK's own source
  // positions (Resource.callsites, which SARIF uses) lift the limit for themselves.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = opts.stackTraces ? 50 : 0;
  let outputs: unknown;
  // Hooks the program (or a library it uses) leaves for the end of the event loop.
  const exitHooksBefore = new Set(process.listeners("beforeExit"));
  const programExitHooks = () => process.listeners("beforeExit").filter((l) => !exitHooksBefore.has(l));
  try {
    outputs = await pulumi.runtime.runInPulumiStack(async () => {
    // Record resource options: mocks do not see them, transformations do.
    pulumi.runtime.registerStackTransformation((t) => {
      options.set(`${t.type}::${t.name}`, {
        protect: t.opts.protect,
        retainOnDelete: t.opts.retainOnDelete,
        ignoreChanges: t.opts.ignoreChanges,
        replaceOnChanges: t.opts.replaceOnChanges,
        deleteBeforeReplace: (t.opts as pulumi.CustomResourceOptions).deleteBeforeReplace,
        dependsOn: Array.isArray(t.opts.dependsOn) ? t.opts.dependsOn.length : t.opts.dependsOn ? 1 : 0,
      });
      return undefined;
    });
    // Trailing separator: resolve the directory (package.json main), never a sibling file named like it.
    const main = require(programDir + path.sep);
    // As Pulumi's Node host runs a CommonJS program: an exported function is invoked (an
    // async main) and its result is the stack's outputs; otherwise the exports are.
    const exported = main instanceof Function ? await main() : main;
    // Node fires "beforeExit" when the event loop drains, and a program's work may continue
    // there: @pulumi/aws's bucket.onObjectCreated declares its BucketNotification in such a
    // hook. As under the language host, run them (again while they declare more) before the
    // stack ends, so that nothing they declare is silently missing.
    for (let round = 0; round < 10; round++) {
      const hooks = programExitHooks();
      if (hooks.length === 0) break;
      const declared = resources.length;
      for (const hook of hooks) await (hook as (code: number) => unknown)(0);
      await waitForRPCs();
      if (resources.length === declared) break;
    }
    return { ...exported };
    });
  } catch (e) {
    await waitForRPCs().catch(() => undefined);
    consoleMethods.forEach((m, i) => (console[m] = savedConsole[i]));
    if (stackReferences.size > 0) throw new ProgramError(stackReferenceMessage(stackReferences), resources);
    if (unanswered.size > 0) throw new ProgramError(unansweredMessage(unanswered), resources);
    const failed = new ProgramError(e instanceof Error ? e.message : String(e), resources);
    // A RunError is a message for the user and nothing else (Pulumi prints no stack for it).
    failed.threw = !pulumi.RunError.isInstance(e);
    failed.location = failed.threw ? programLocation(e, opts.programDir) : undefined;
    throw failed;
  } finally {
    // The hooks ran as the end of the program; at the plan's own exit they would declare into nothing.
    for (const hook of programExitHooks()) process.off("beforeExit", hook);
    Error.stackTraceLimit = stackTraceLimit;
    process.chdir(cwd);
    process.exit = exit;
    for (const key of Object.keys(require.cache)) {
      if (!loadedBefore.has(key) && !key.includes(`${path.sep}node_modules${path.sep}`)) programModules.add(key);
    }
    // Let pending rejections of this run surface before the listener goes.
    await new Promise((resolve) => setImmediate(resolve));
    process.off("unhandledRejection", swallow);
  }
  await waitForRPCs().catch((e) => void rejections.push(e));
  consoleMethods.forEach((m, i) => (console[m] = savedConsole[i]));
  // Even when the program tolerates the missing outputs, its verdicts would rest on values it never read.
  if (stackReferences.size > 0) throw new ProgramError(stackReferenceMessage(stackReferences), resources);
  if (unanswered.size > 0) throw new ProgramError(unansweredMessage(unanswered), resources);
  if (rejections.length > 0) {
    const first = rejections[0];
    throw new ProgramError(`the program failed while declaring resources (${first instanceof Error ? first.message : String(first)}); some of its resources may not have been registered`, resources);
  }
  return { resources, outputs: (outputs ?? {}) as Record<string, unknown> };
}

function stackReferenceMessage(stacks: Set<string>): string {
  return `the program reads ${[...stacks].join(", ")} through a StackReference, whose outputs live in the Pulumi backend; the offline plan cannot read other stacks`;
}

function unansweredMessage(tokens: Set<string>): string {
  return `the program calls ${[...tokens].join(", ")}, which needs a live AWS account; the offline plan answers only ${OFFLINE_INVOKES.map((t) => t.split(":").pop()).join(", ")}`;
}
