/**
 * AWS's API models as an outside referee: the TypeScript declarations that the AWS SDK
 * for JavaScript v3 generates from each service's Smithy model (`@aws-sdk/client-*`,
 * devDependencies). The compiler's type checker reads them; nothing here restates a
 * member name, a required flag or an enum value by hand.
 *
 * Checked for each parameter block a Task sends: every member exists, every required
 * member is there, values have the member's type, enum values are in the enum and not
 * documented as "Not currently supported". Checked for each JSONPath that reads a Task's
 * result: the path names members of the API's output.
 * Not checked (the declarations do not carry them): numeric ranges and string patterns.
 *
 * Reading the declarations takes the compiler about 5 s of CPU (SageMaker's alone are
 * megabytes). So the checker's answers for every type the operations reach are recorded once
 * (a digest: members, required flags, enums, lists, maps, union parts; RecordedAnswers, keyed
 * by the operations, the packages' versions, the compiler's, what is installed and this file's
 * text), and the checks walk that digest, cold or warm: one walker, the same answers.
 */
import * as fs from "fs";
import * as path from "path";
import type * as ts from "typescript";
import { RecordedAnswers } from "./recordedAnswers";

/** Service integration → SDK package (the service's `@aws-sdk/client-*`). */
const PACKAGES: Record<string, string> = {
  sagemaker: "@aws-sdk/client-sagemaker",
  kms: "@aws-sdk/client-kms",
  sns: "@aws-sdk/client-sns",
  lambda: "@aws-sdk/client-lambda",
  glue: "@aws-sdk/client-glue",
  s3: "@aws-sdk/client-s3",
  cloudwatch: "@aws-sdk/client-cloudwatch",
  states: "@aws-sdk/client-sfn",
  sfn: "@aws-sdk/client-sfn",
  dynamodb: "@aws-sdk/client-dynamodb",
};

/** One API operation a Task calls, and what its result is. */
export interface Operation {
  service: string;
  /** PascalCase API name, e.g. CreateTrainingJob. */
  name: string;
  /** The operation whose output the Task returns: `.sync` SageMaker jobs return Describe<Kind>Job's. */
  outputOf: string;
  /** lambda:invoke takes and returns Payload as JSON (Step Functions' optimized integration), not bytes. */
  jsonPayload: boolean;
  /**
   * The service's own members are camelCase (Step Functions' API); its optimized
   * integration takes and returns them in PascalCase ("Parameters in Step Functions are
   * expressed in PascalCase", Step Functions developer guide).
   */
  camelCaseModel: boolean;
}

/** The model's member name for a name a Task writes. */
const memberName = (op: Operation, name: string) => (op.camelCaseModel ? name[0].toLowerCase() + name.slice(1) : name);

/** `arn:aws:states:::sagemaker:createTrainingJob.sync` → SageMaker CreateTrainingJob, output of DescribeTrainingJob. */
export function operationOf(resource: string): Operation {
  const m = /^arn:[\w-]+:states:::(aws-sdk:)?([a-z0-9]+):([a-zA-Z][a-zA-Z0-9]*)(\.sync|\.waitForTaskToken)?$/.exec(resource);
  if (!m) throw new Error(`not a service integration ARN: ${resource}`);
  const [, , service, api, suffix] = m;
  const name = api[0].toUpperCase() + api.slice(1);
  if (!PACKAGES[service]) throw new Error(`no API model package for service ${service} (${resource})`);
  const job = /^Create(\w+Job)$/.exec(name);
  const outputOf = suffix === ".sync" && job ? `Describe${job[1]}` : name;
  return { service, name, outputOf, jsonPayload: service === "lambda" && name === "Invoke", camelCaseModel: service === "states" || service === "sfn" };
}

/**
 * One type of the models, as the compiler answers for it once `undefined` is removed (what
 * every check looks at): the walk below reads these answers in the order the checker would
 * be asked, so a digest checks exactly what the declarations do.
 */
interface ModelType {
  /** Its string literal values, when it is a union of them (an enum). */
  enum?: string[];
  /** A string, number or boolean (asked only when it is not an enum). */
  primitive?: "string" | "number" | "boolean";
  /** Its element type, when it is an array. */
  element?: number;
  /** Its index signatures' value types, and whether the key is a string (a map: DynamoDB's `Item`). */
  indexes: { type: number; stringKey: boolean }[];
  /** Its properties, in the compiler's order (a primitive's are its apparent type's). */
  members: ModelMember[];
  /** A union's parts, for a member that only some of them have (DynamoDB's AttributeValue is one of S, N, B, …). */
  parts?: number[];
}

interface ModelMember {
  name: string;
  /** The member's type (its index in the digest). */
  type: number;
  optional: boolean;
  /** The member's documentation, kept only when it says "not currently supported" (of the member or of an enum value). */
  unsupported?: string;
}

/** Every type the operations' inputs and outputs reach, and where each operation's starts. */
interface ModelDigest {
  roots: Record<string, number>;
  types: ModelType[];
}

const UNSUPPORTED = /not currently supported/i;

export class ApiModels {
  private readonly digest: ModelDigest;

  /** The input and output models of these operations: from the cache, or read from the declarations (and cached). */
  constructor(operations: Operation[], projectDir: string) {
    const wanted = new Map<string, { pkg: string; symbol: string }>();
    for (const op of operations) {
      wanted.set(`${op.service}:${op.name}:input`, { pkg: PACKAGES[op.service], symbol: `${op.name}CommandInput` });
      wanted.set(`${op.service}:${op.outputOf}:output`, { pkg: PACKAGES[op.service], symbol: `${op.outputOf}CommandOutput` });
    }
    const packages = [...new Set([...wanted.values()].map((w) => w.pkg)), "typescript"].sort();
    const versionOf = (pkg: string) => JSON.parse(fs.readFileSync(require.resolve(`${pkg}/package.json`, { paths: [projectDir] }), "utf8")).version as string;
    // The declarations the clients import (@smithy/types, @aws-sdk/core, …) move with what is
    // installed without any client's version changing: RecordedAnswers keys by that too.
    const digests = new RecordedAnswers("api-models", { versions: packages.map((p) => [p, versionOf(p)]), reader: fs.readFileSync(__filename, "utf8") });
    this.digest = digests.answer([...wanted].sort(), () => readDeclarations(wanted, projectDir));
  }

  /** Problems of a Parameters block sent to an operation; empty when the model accepts it. */
  checkInput(op: Operation, parameters: unknown): string[] {
    const problems: string[] = [];
    this.walk(this.root(`${op.service}:${op.name}:input`), parameters, op.name, problems, op.jsonPayload, undefined, op.camelCaseModel);
    return problems;
  }

  /** Whether `$.a.b[0].c` (relative to the operation's result) names members of its output. */
  outputPathProblem(op: Operation, segments: string[]): string | undefined {
    let type = this.root(`${op.service}:${op.outputOf}:output`);
    const seen: string[] = [];
    for (const segment of segments) {
      seen.push(segment);
      if (op.jsonPayload && seen.length === 2 && seen[0] === "Payload") return undefined; // the function's own JSON
      if (segment === "[]") {
        const element = this.digest.types[type].element;
        if (element === undefined) return `${op.outputOf} output: ${seen.join(".")} is not a list`;
        type = element;
        continue;
      }
      const member = this.member(type, memberName(op, segment));
      if (member === undefined) return `${op.outputOf} output has no member ${seen.join(".")}`;
      type = member;
    }
    return undefined;
  }

  /**
   * A member's type: a property, a key of a map (a string index signature: DynamoDB's
   * `Item`), or a property of one member of a union (DynamoDB's AttributeValue is one of
   * S, N, B, …).
   */
  private member(type: number, name: string): number | undefined {
    const t = this.digest.types[type];
    const prop = t.members.find((m) => m.name === name);
    if (prop) return prop.type;
    const index = t.indexes.find((i) => i.stringKey);
    if (index && t.members.length === 0) return index.type;
    for (const part of t.parts ?? []) {
      const found = this.digest.types[part].members.find((m) => m.name === name);
      if (found) return found.type;
    }
    return undefined;
  }

  /** The enum values of a member, named by its path (`ExportDescription.ExportStatus`), e.g. DescribeEndpoint's EndpointStatus. */
  enumValues(op: Operation, side: "input" | "output", member: string): string[] {
    let type = this.root(`${op.service}:${side === "input" ? op.name : op.outputOf}:${side}`);
    for (const name of member.split(".")) {
      const prop = this.digest.types[type].members.find((m) => m.name === name);
      if (!prop) throw new Error(`${op.name} ${side} has no member ${member}`);
      type = prop.type;
    }
    const values = this.digest.types[type].enum;
    if (!values) throw new Error(`${op.name} ${side} member ${member} is not an enum`);
    return values;
  }

  private root(key: string): number {
    const type = this.digest.roots[key];
    if (type === undefined) throw new Error(`API model ${key} was not loaded`);
    return type;
  }

  private walk(id: number, value: unknown, at: string, problems: string[], jsonPayload: boolean, doc = "", camelCase = false): void {
    const type = this.digest.types[id];
    if (type.enum) {
      if (typeof value !== "string" || !type.enum.includes(value)) {
        problems.push(`${at} = ${JSON.stringify(value)}: expected one of ${type.enum.join(", ")}`);
      } else if (new RegExp(`<code>\\s*${value}\\s*</code>\\s*:\\s*\\(?not currently supported`, "i").test(doc)) {
        problems.push(`${at} = ${JSON.stringify(value)}: the API documents this value as "Not currently supported"`);
      }
      return;
    }
    if (type.primitive === "string") {
      if (typeof value !== "string") problems.push(`${at} = ${JSON.stringify(value)}: expected a string`);
      return;
    }
    if (type.primitive === "number") {
      if (typeof value !== "number") problems.push(`${at} = ${JSON.stringify(value)}: expected a number`);
      return;
    }
    if (type.primitive === "boolean") {
      if (typeof value !== "boolean") problems.push(`${at} = ${JSON.stringify(value)}: expected a boolean`);
      return;
    }
    if (type.element !== undefined) {
      if (!Array.isArray(value)) return void problems.push(`${at} = ${JSON.stringify(value)}: expected a list`);
      value.forEach((item, i) => this.walk(type.element!, item, `${at}[${i}]`, problems, jsonPayload, "", camelCase));
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${at} = ${JSON.stringify(value)}: expected a structure`);
      return;
    }
    if (type.members.length === 0 && type.indexes.length > 0) {
      for (const [k, v] of Object.entries(value)) this.walk(type.indexes[0].type, v, `${at}.${k}`, problems, jsonPayload);
      return;
    }
    const given = value as Record<string, unknown>;
    const names = new Set<string>();
    for (const [key, v] of Object.entries(given)) {
      // `Member.$`: the value is a JSONPath or intrinsic, resolved per execution.
      const member = key.endsWith(".$") ? key.slice(0, -2) : key;
      const modelName = camelCase ? member[0].toLowerCase() + member.slice(1) : member;
      names.add(modelName);
      const prop = type.members.find((m) => m.name === modelName);
      if (!prop) {
        problems.push(`${at}.${member}: not a member (the model has ${type.members.map((m) => m.name).join(", ")})`);
        continue;
      }
      const memberDoc = prop.unsupported ?? "";
      if (/^\s*(<p>)?\s*\(?not currently supported/i.test(memberDoc)) problems.push(`${at}.${member}: documented as "Not currently supported"`);
      if (jsonPayload && member === "Payload") continue; // lambda:invoke: the function's own JSON input
      // states:startExecution: the integration serializes a JSON Input itself (the guide's examples pass an object).
      if (camelCase && member === "Input" && typeof v === "object") continue;
      if (key.endsWith(".$")) {
        if (typeof v !== "string" || !/^(\$|States\.)/.test(v)) problems.push(`${at}.${key} = ${JSON.stringify(v)}: expected a JSONPath or intrinsic`);
        continue;
      }
      this.walk(prop.type, v, `${at}.${member}`, problems, jsonPayload, memberDoc, camelCase);
    }
    for (const prop of type.members) {
      if (prop.optional) continue;
      if (!names.has(prop.name)) problems.push(`${at}.${prop.name}: required member missing`);
    }
  }
}

/**
 * The compiler's answers for every type the wanted inputs and outputs reach, in one
 * compiler program over the `@aws-sdk/client-*` declarations.
 */
function readDeclarations(wanted: Map<string, { pkg: string; symbol: string }>, projectDir: string): ModelDigest {
  const ts = require("typescript") as typeof import("typescript");
  const keys = [...wanted.keys()];
  const source = keys.map((key, i) => `import type { ${wanted.get(key)!.symbol} as T${i} } from "${wanted.get(key)!.pkg}";\nexport declare const v${i}: T${i};`).join("\n");
  const fileName = path.join(projectDir, "__aws_api_models__.ts");
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) => (path.resolve(name) === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(fileName)!;
  const problems = ts.getPreEmitDiagnostics(program, file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (problems.length > 0) throw new Error(`cannot load the API models: ${problems.join("; ")}`);

  const ids = new Map<ts.Type, number>();
  const types: ModelType[] = [];
  const pending: [ts.Type, number][] = [];
  const idOf = (declared: ts.Type): number => {
    const type = checker.getNonNullableType(declared);
    let id = ids.get(type);
    if (id === undefined) {
      id = types.length;
      ids.set(type, id);
      types.push(undefined as unknown as ModelType);
      pending.push([type, id]);
    }
    return id;
  };
  const literals = (type: ts.Type): string[] | undefined => {
    const parts = type.isUnion() ? type.types : [type];
    if (!parts.every((t) => t.isStringLiteral())) return undefined;
    return parts.map((t) => (t as ts.StringLiteralType).value);
  };
  const describe = (type: ts.Type): ModelType => {
    const described: ModelType = { indexes: [], members: [] };
    const values = literals(type);
    if (values) described.enum = values;
    else if (type.flags & ts.TypeFlags.String) described.primitive = "string";
    else if (type.flags & ts.TypeFlags.Number) described.primitive = "number";
    else if (type.flags & ts.TypeFlags.BooleanLike || (type.isUnion() && type.types.every((t) => t.flags & ts.TypeFlags.BooleanLiteral))) described.primitive = "boolean";
    else if (checker.isArrayType(type)) described.element = idOf(checker.getTypeArguments(type as ts.TypeReference)[0]);
    described.indexes = checker.getIndexInfosOfType(type).map((i) => ({ type: idOf(i.type), stringKey: Boolean(i.keyType.flags & ts.TypeFlags.String) }));
    described.members = type.getProperties().map((prop) => {
      const member: ModelMember = { name: prop.getName(), type: idOf(checker.getTypeOfSymbol(prop)), optional: Boolean(prop.flags & ts.SymbolFlags.Optional) };
      const doc = ts.displayPartsToString(prop.getDocumentationComment(checker));
      if (UNSUPPORTED.test(doc)) member.unsupported = doc;
      return member;
    });
    if (type.isUnion()) described.parts = type.types.map((part) => idOf(part));
    return described;
  };

  const roots: Record<string, number> = {};
  let i = 0;
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    roots[keys[i++]] = idOf(checker.getTypeAtLocation(statement.declarationList.declarations[0].name));
  }
  for (let next = pending.shift(); next; next = pending.shift()) types[next[1]] = describe(next[0]);
  return { roots, types };
}
