/**
 * A client for a policy pack over Pulumi's Analyzer gRPC protocol. The pack runs in its own
 * process, served by @pulumi/policy's server as under the Pulumi CLI (port read from
 * stdout), so enforcement levels, config schemas, unknown values and remediation behave as
 * under `pulumi preview --policy-pack`. A pack whose main is JavaScript starts through
 * `servePolicyPack.js` (the same pack code, without the TypeScript compiler the CLI's
 * launcher loads); any other goes through `@pulumi/pulumi/cmd/run-policy-pack`, as the CLI
 * starts it.
 */
import { ChildProcess, spawn } from "child_process";
import * as path from "path";

import { Level, LEVELS, PolicyPackConfigFile, policySettings } from "./packConfig";
import { toWire } from "./wire";
import { COMPILE_CACHE_DIR } from "../compileCacheDir";

const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));

/**
 * gRPC and the SDK's proto modules, loaded on first use: the pack process is spawned
 * before them, so that it starts while this process is still loading (two cores).
 * They are the SDK's own copies, so message classes match the pack's.
 */
let protos: { grpc: typeof import("@grpc/grpc-js"); analyzerGrpc: any; analyzerPb: any; structPb: any; emptyPb: any } | undefined;
function proto() {
  if (!protos) {
    /* eslint-disable @typescript-eslint/no-require-imports */
    protos = {
      grpc: require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] })),
      analyzerGrpc: require(path.join(PULUMI_DIR, "proto", "analyzer_grpc_pb.js")),
      analyzerPb: require(path.join(PULUMI_DIR, "proto", "analyzer_pb.js")),
      structPb: require(require.resolve("google-protobuf/google/protobuf/struct_pb", { paths: [PULUMI_DIR] })),
      emptyPb: require(require.resolve("google-protobuf/google/protobuf/empty_pb", { paths: [PULUMI_DIR] })),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  }
  return protos;
}

export interface PolicyInfo {
  name: string;
  description: string;
  enforcementLevel: Level;
  configSchema?: { properties: Record<string, any>; required?: string[] };
  policyType: "resource" | "stack" | "unknown";
  /** The policy's metadata, where the pack sets it (@pulumi/policy's severity, remediationSteps, tags). */
  severity?: Severity;
  remediationSteps?: string;
  /** The compliance framework the policy answers, and its reference (the checks). */
  framework?: { name: string; version: string; reference: string; specification: string };
  tags?: string[];
}

export type Severity = "low" | "medium" | "high" | "critical";
/** The proto's PolicySeverity enum, in order (0 is unspecified). */
const SEVERITIES: (Severity | undefined)[] = [undefined, "low", "medium", "high", "critical"];

export interface PackInfo {
  name: string;
  version: string;
  policies: PolicyInfo[];
}

export interface Diagnostic {
  policy: string;
  level: Level;
  urn?: string;
  message: string;
  description: string;
}

export interface AnalyzedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
  props: Record<string, unknown>;
  /** URNs the resource depends on (sent with AnalyzeStack, as the engine does). */
  dependencies?: string[];
  /** Per property, the URNs it depends on (`bucket: b.id` → the bucket's URN). */
  propertyDependencies?: Record<string, string[]>;
}

export class AnalyzerError extends Error {}

/** How the pack process is started: "cli" is `run-policy-pack`, "direct" is servePolicyPack.js. */
export type PackLauncher = "cli" | "direct";

const DIRECT_LAUNCHER = path.join(__dirname, "servePolicyPack.js");

/** The arguments to `node`, run in the pack's directory, that start it with `launcher`. */
export function packCommand(launcher: PackLauncher): string[] {
  return launcher === "direct" ? [DIRECT_LAUNCHER] : [path.join(PULUMI_DIR, "cmd", "run-policy-pack"), "127.0.0.1:0", "."];
}

/** The progress line that says a pack is starting, and how. */
export function startingPackLine(packDir: string, launcher: PackLauncher): string {
  const how = launcher === "direct" ? "JavaScript main, started directly" : "through run-policy-pack, as the CLI starts it";
  return `starting policy pack ${path.relative(process.cwd(), packDir) || "."} (its own process, over the Analyzer protocol; ${how})`;
}

/** "direct" when the pack's main (what `require(packDir)` loads) is JavaScript; "cli" otherwise (a TypeScript main needs ts-node). */
export function packLauncher(packDir: string): PackLauncher {
  try {
    return /\.c?js$/.test(require.resolve(path.resolve(packDir))) ? "direct" : "cli";
  } catch {
    return "cli";
  }
}

export class PolicyPackProcess {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    /** Milliseconds from spawn to the port on stdout. */
    readonly startMs: number,
  ) {}

  /** Starts the pack in `packDir` as the CLI does and connects to it. */
  static async start(packDir: string, timeoutMs = 60_000, launcher: PackLauncher = packLauncher(packDir)): Promise<PolicyPackProcess> {
    return PolicyPackProcess.spawn(packDir, timeoutMs, launcher).connect();
  }

  /**
   * Spawns the pack in its directory and returns at once; `connect()` waits for the port
   * it prints. `launcher` "cli" forces `run-policy-pack 127.0.0.1:0 .`, exactly the CLI's
   * command; the default picks the direct start for a JavaScript main.
   */
  static spawn(packDir: string, timeoutMs = 60_000, launcher: PackLauncher = packLauncher(packDir)): { connect(): Promise<PolicyPackProcess>; kill(): void } {
    const started = Date.now();
    // The direct start also shares the plan's compile cache (it writes it once loaded).
    const env = launcher === "direct" ? { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR } : process.env;
    // The direct start ends when its stdin closes, that is when this process ends, however.
    const child = spawn(process.execPath, packCommand(launcher), { cwd: packDir, env, stdio: [launcher === "direct" ? "pipe" : "ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const port = new Promise<{ port: number; ms: number }>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new AnalyzerError(`policy pack in ${packDir} printed no port within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      child.stdout!.on("data", (d) => {
        out += d;
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve({ port: Number(m[1]), ms: Date.now() - started });
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new AnalyzerError(`policy pack in ${packDir} exited (${code}) before printing its port:\n${stderr || out}`));
      });
    });
    port.catch(() => undefined); // reported by connect()
    return {
      connect: async () => {
        const { port: p, ms } = await port;
        const { grpc, analyzerGrpc } = proto();
        const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${p}`, grpc.credentials.createInsecure());
        return new PolicyPackProcess(child, client, ms);
      },
      kill: () => child.kill(),
    };
  }

  private call<T>(method: string, request: unknown): Promise<T> {
    return new Promise((resolve, reject) => this.client[method](request, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
  }

  async info(): Promise<PackInfo> {
    const res: any = await this.call("getAnalyzerInfo", new (proto().emptyPb.Empty)());
    return {
      name: res.getName(),
      version: res.getVersion(),
      policies: res.getPoliciesList().map((p: any) => ({
        name: p.getName(),
        description: p.getDescription(),
        enforcementLevel: LEVELS[p.getEnforcementlevel()],
        configSchema: p.getConfigschema() ? { properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {}, required: p.getConfigschema().getRequiredList() } : undefined,
        policyType: (["unknown", "resource", "stack"] as const)[p.getPolicyType()] ?? "unknown",
        ...(SEVERITIES[p.getSeverity?.() ?? 0] ? { severity: SEVERITIES[p.getSeverity()] } : {}),
        ...(p.getRemediationSteps?.() ? { remediationSteps: p.getRemediationSteps() } : {}),
        ...(p.getTagsList?.()?.length ? { tags: p.getTagsList() } : {}),
        ...(p.getFramework?.() ? { framework: { name: p.getFramework().getName(), version: p.getFramework().getVersion(), reference: p.getFramework().getReference(), specification: p.getFramework().getSpecification() } } : {}),
      })),
    };
  }

  /**
   * Sends the policy config as the CLI does: the file's `all` level applied to every
   * policy it does not set, knobs merged over the schema's defaults.
   */
  async configure(info: PackInfo, file: PolicyPackConfigFile = {}): Promise<Record<string, Level>> {
    const req = new (proto().analyzerPb).ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    const levels: Record<string, Level> = {};
    for (const p of info.policies) {
      const { level, config } = policySettings(p, file);
      levels[p.name] = level;
      const pc = new (proto().analyzerPb).PolicyConfig();
      pc.setEnforcementlevel(LEVELS.indexOf(level));
      pc.setProperties(proto().structPb.Struct.fromJavaScript(config));
      map.set(p.name, pc);
    }
    await this.call("configure", req);
    return levels;
  }

  async configureStack(project: string, stack: string, dryRun: boolean): Promise<void> {
    const req = new (proto().analyzerPb).AnalyzerStackConfigureRequest();
    req.setProject(project);
    req.setStack(stack);
    req.setOrganization("organization");
    req.setDryRun(dryRun);
    await this.call("configureStack", req);
  }

  private resourceMessage<T>(Cls: any, r: AnalyzedResource): T {
    const msg = new Cls();
    msg.setType(r.type);
    msg.setName(r.name);
    msg.setUrn(r.urn);
    msg.setProperties(proto().structPb.Struct.fromJavaScript(toWire(r.props) as Record<string, unknown>));
    const opts = new (proto().analyzerPb).AnalyzerResourceOptions();
    if (r.parent) opts.setParent(r.parent);
    msg.setOptions(opts);
    if (r.parent && msg.setParent) msg.setParent(r.parent);
    // AnalyzerResource (stack policies) carries the dependency graph; AnalyzeRequest does not.
    if (msg.setDependenciesList) {
      msg.setDependenciesList(r.dependencies ?? []);
      const byProperty = msg.getPropertydependenciesMap();
      for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
        if (urns.length > 0) byProperty.set(key, new (proto().analyzerPb).AnalyzerPropertyDependencies().setUrnsList(urns));
      }
    }
    return msg;
  }

  /** Resource policies on one resource's inputs. */
  async analyze(r: AnalyzedResource): Promise<Diagnostic[]> {
    return (await this.analyzeResource(r)).diagnostics;
  }

  /**
   * Resource policies on one resource's inputs: the findings, and the policies that declared
   * themselves not applicable with a reason (`not_applicable` in the protocol), which is how
   * a suppression with a reason comes back (ml-pipeline-policies' SUPPRESSED_PREFIX).
   */
  async analyzeResource(r: AnalyzedResource): Promise<{ diagnostics: Diagnostic[]; notApplicable: { policy: string; reason: string }[] }> {
    const res: any = await this.call("analyze", this.resourceMessage(proto().analyzerPb.AnalyzeRequest, r));
    // The server leaves the URN out of per-resource diagnostics; the engine knows it.
    return {
      diagnostics: diagnostics(res).map((d) => ({ ...d, urn: d.urn ?? r.urn })),
      notApplicable: (res.getNotApplicableList?.() ?? []).map((n: any) => ({ policy: n.getPolicyName(), reason: n.getReason() })),
    };
  }

  /** Stack policies on all resources. */
  async analyzeStack(resources: AnalyzedResource[]): Promise<Diagnostic[]> {
    return (await this.analyzeStackWithReasons(resources)).diagnostics;
  }

  /** Stack policies on all resources: the findings, and the policies not applicable, with their reasons. */
  async analyzeStackWithReasons(resources: AnalyzedResource[]): Promise<{ diagnostics: Diagnostic[]; notApplicable: { policy: string; reason: string }[] }> {
    const req = new (proto().analyzerPb).AnalyzeStackRequest();
    req.setResourcesList(resources.map((r) => this.resourceMessage(proto().analyzerPb.AnalyzerResource, r)));
    const res: any = await this.call("analyzeStack", req);
    return { diagnostics: diagnostics(res), notApplicable: (res.getNotApplicableList?.() ?? []).map((n: any) => ({ policy: n.getPolicyName(), reason: n.getReason() })) };
  }

  /** Remediations the pack proposes for a resource (policies at level remediate). */
  async remediate(r: AnalyzedResource): Promise<{ policy: string; props: Record<string, unknown> }[]> {
    const res: any = await this.call("remediate", this.resourceMessage(proto().analyzerPb.AnalyzeRequest, r));
    return res.getRemediationsList().map((x: any) => ({ policy: x.getPolicyname(), props: x.getProperties()?.toJavaScript() ?? {} }));
  }

  stop(): void {
    this.client.close?.();
    this.child.kill();
  }
}

function diagnostics(res: any): Diagnostic[] {
  return res.getDiagnosticsList().map((d: any) => {
    const description: string = d.getDescription();
    const raw: string = d.getMessage();
    // The server prefixes each message with the policy's description.
    const message = raw.startsWith(`${description}\n`) ? raw.slice(description.length + 1) : raw;
    return { policy: d.getPolicyname(), level: LEVELS[d.getEnforcementlevel()], urn: d.getUrn() || undefined, message, description };
  });
}
