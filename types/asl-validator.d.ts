// asl-validator ships no type declarations; this is the part gantry's tests use.
declare module "asl-validator" {
  interface ValidationResult {
    isValid: boolean;
    errors: unknown[];
    errorsText(separator?: string): string;
  }
  function aslValidator(definition: unknown, options?: { checkPaths?: boolean; noArnCheck?: boolean }): ValidationResult;
  export default aslValidator;
}
