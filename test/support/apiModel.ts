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
 */
import * as path from "path";
import * as ts from "typescript";

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

export class ApiModels {
  private readonly checker: ts.TypeChecker;
  private readonly types = new Map<string, ts.Type>();

  /** Loads the input and output declarations of these operations in one compiler program. */
  constructor(operations: Operation[], projectDir: string) {
    const wanted = new Map<string, { pkg: string; symbol: string }>();
    for (const op of operations) {
      wanted.set(`${op.service}:${op.name}:input`, { pkg: PACKAGES[op.service], symbol: `${op.name}CommandInput` });
      wanted.set(`${op.service}:${op.outputOf}:output`, { pkg: PACKAGES[op.service], symbol: `${op.outputOf}CommandOutput` });
    }
    const keys = [...wanted.keys()];
    const source = keys
      .map((key, i) => `import type { ${wanted.get(key)!.symbol} as T${i} } from "${wanted.get(key)!.pkg}";\nexport declare const v${i}: T${i};`)
      .join("\n");
    const fileName = path.join(projectDir, "__aws_api_models__.ts");
    const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, version, ...rest) =>
      path.resolve(name) === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === fileName || fileExists(name);
    const program = ts.createProgram([fileName], options, host);
    this.checker = program.getTypeChecker();
    const file = program.getSourceFile(fileName)!;
    const problems = ts.getPreEmitDiagnostics(program, file).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    if (problems.length > 0) throw new Error(`cannot load the API models: ${problems.join("; ")}`);
    let i = 0;
    for (const statement of file.statements) {
      if (!ts.isVariableStatement(statement)) continue;
      const decl = statement.declarationList.declarations[0];
      this.types.set(keys[i++], this.checker.getTypeAtLocation(decl.name));
    }
  }

  /** Problems of a Parameters block sent to an operation; empty when the model accepts it. */
  checkInput(op: Operation, parameters: unknown): string[] {
    const problems: string[] = [];
    this.walk(this.type(`${op.service}:${op.name}:input`), parameters, op.name, problems, op.jsonPayload, undefined, op.camelCaseModel);
    return problems;
  }

  /** Whether `$.a.b[0].c` (relative to the operation's result) names members of its output. */
  outputPathProblem(op: Operation, segments: string[]): string | undefined {
    let type = this.type(`${op.service}:${op.outputOf}:output`);
    const seen: string[] = [];
    for (const segment of segments) {
      seen.push(segment);
      if (op.jsonPayload && seen.length === 2 && seen[0] === "Payload") return undefined; // the function's own JSON
      type = this.checker.getNonNullableType(type);
      if (segment === "[]") {
        if (!this.checker.isArrayType(type)) return `${op.outputOf} output: ${seen.join(".")} is not a list`;
        type = this.checker.getTypeArguments(type as ts.TypeReference)[0];
        continue;
      }
      const member = this.member(type, memberName(op, segment));
      if (!member) return `${op.outputOf} output has no member ${seen.join(".")}`;
      type = member;
    }
    return undefined;
  }

  /**
   * A member's type: a property, a key of a map (a string index signature: DynamoDB's
   * `Item`), or a property of one member of a union (DynamoDB's AttributeValue is one of
   * S, N, B, …).
   */
  private member(type: ts.Type, name: string): ts.Type | undefined {
    const prop = type.getProperty(name);
    if (prop) return this.checker.getTypeOfSymbol(prop);
    const index = this.checker.getIndexInfosOfType(type).find((i) => i.keyType.flags & ts.TypeFlags.String);
    if (index && type.getProperties().length === 0) return index.type;
    if (type.isUnion()) {
      for (const part of type.types) {
        const found = part.getProperty(name);
        if (found) return this.checker.getNonNullableType(this.checker.getTypeOfSymbol(found));
      }
    }
    return undefined;
  }

  /** The values of a string enum member of an output or input, e.g. DescribeEndpoint's EndpointStatus. */
  /** The enum values of a member, named by its path (`ExportDescription.ExportStatus`). */
  enumValues(op: Operation, side: "input" | "output", member: string): string[] {
    let type = this.type(`${op.service}:${side === "input" ? op.name : op.outputOf}:${side}`);
    for (const name of member.split(".")) {
      const prop = type.getProperty(name);
      if (!prop) throw new Error(`${op.name} ${side} has no member ${member}`);
      type = this.checker.getNonNullableType(this.checker.getTypeOfSymbol(prop));
    }
    const values = this.literals(type);
    if (!values) throw new Error(`${op.name} ${side} member ${member} is not an enum`);
    return values;
  }

  private type(key: string): ts.Type {
    const type = this.types.get(key);
    if (!type) throw new Error(`API model ${key} was not loaded`);
    return type;
  }

  private literals(type: ts.Type): string[] | undefined {
    const parts = type.isUnion() ? type.types : [type];
    if (!parts.every((t) => t.isStringLiteral())) return undefined;
    return parts.map((t) => (t as ts.StringLiteralType).value);
  }

  private walk(declared: ts.Type, value: unknown, at: string, problems: string[], jsonPayload: boolean, doc = "", camelCase = false): void {
    const type = this.checker.getNonNullableType(declared);
    const enumValues = this.literals(type);
    if (enumValues) {
      if (typeof value !== "string" || !enumValues.includes(value)) {
        problems.push(`${at} = ${JSON.stringify(value)}: expected one of ${enumValues.join(", ")}`);
      } else if (new RegExp(`<code>\\s*${value}\\s*</code>\\s*:\\s*\\(?not currently supported`, "i").test(doc)) {
        problems.push(`${at} = ${JSON.stringify(value)}: the API documents this value as "Not currently supported"`);
      }
      return;
    }
    if (type.flags & ts.TypeFlags.String) {
      if (typeof value !== "string") problems.push(`${at} = ${JSON.stringify(value)}: expected a string`);
      return;
    }
    if (type.flags & ts.TypeFlags.Number) {
      if (typeof value !== "number") problems.push(`${at} = ${JSON.stringify(value)}: expected a number`);
      return;
    }
    if (type.flags & ts.TypeFlags.BooleanLike || (type.isUnion() && type.types.every((t) => t.flags & ts.TypeFlags.BooleanLiteral))) {
      if (typeof value !== "boolean") problems.push(`${at} = ${JSON.stringify(value)}: expected a boolean`);
      return;
    }
    if (this.checker.isArrayType(type)) {
      if (!Array.isArray(value)) return void problems.push(`${at} = ${JSON.stringify(value)}: expected a list`);
      const element = this.checker.getTypeArguments(type as ts.TypeReference)[0];
      value.forEach((item, i) => this.walk(element, item, `${at}[${i}]`, problems, jsonPayload, "", camelCase));
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${at} = ${JSON.stringify(value)}: expected a structure`);
      return;
    }
    const index = this.checker.getIndexInfosOfType(type);
    if (type.getProperties().length === 0 && index.length > 0) {
      for (const [k, v] of Object.entries(value)) this.walk(index[0].type, v, `${at}.${k}`, problems, jsonPayload);
      return;
    }
    const given = value as Record<string, unknown>;
    const names = new Set<string>();
    for (const [key, v] of Object.entries(given)) {
      // `Member.$`: the value is a JSONPath or intrinsic, resolved per execution.
      const member = key.endsWith(".$") ? key.slice(0, -2) : key;
      names.add(camelCase ? member[0].toLowerCase() + member.slice(1) : member);
      const prop = type.getProperty(camelCase ? member[0].toLowerCase() + member.slice(1) : member);
      if (!prop) {
        problems.push(`${at}.${member}: not a member (the model has ${type.getProperties().map((p) => p.getName()).join(", ")})`);
        continue;
      }
      const memberDoc = ts.displayPartsToString(prop.getDocumentationComment(this.checker));
      if (/^\s*(<p>)?\s*\(?not currently supported/i.test(memberDoc)) problems.push(`${at}.${member}: documented as "Not currently supported"`);
      if (jsonPayload && member === "Payload") continue; // lambda:invoke: the function's own JSON input
      // states:startExecution: the integration serializes a JSON Input itself (the guide's examples pass an object).
      if (camelCase && member === "Input" && typeof v === "object") continue;
      if (key.endsWith(".$")) {
        if (typeof v !== "string" || !/^(\$|States\.)/.test(v)) problems.push(`${at}.${key} = ${JSON.stringify(v)}: expected a JSONPath or intrinsic`);
        continue;
      }
      this.walk(this.checker.getTypeOfSymbol(prop), v, `${at}.${member}`, problems, jsonPayload, memberDoc, camelCase);
    }
    for (const prop of type.getProperties()) {
      if (prop.flags & ts.SymbolFlags.Optional) continue;
      if (!names.has(prop.getName())) problems.push(`${at}.${prop.getName()}: required member missing`);
    }
  }
}
