// asl-validator ships no typings; this is the part of its API the tests use.
declare module "asl-validator" {
  interface ValidationError {
    "Error code": string;
    Message: string;
  }
  interface Options {
    checkPaths?: boolean;
    checkArn?: boolean;
  }
  function aslValidator(definition: unknown, opts?: Options): { isValid: boolean; errors: ValidationError[]; errorsText(separator?: string): string };
  export = aslValidator;
}
