/**
 * `@acs-quickstart/workshop`: the workshop kit.
 *
 * - {@link runTokenCommand} (./token/, also alone as `@acs-quickstart/workshop/token`): `npm run token --
 *   inspect`: what a token says, what its scopes allow, and whether the emulator that issued it still accepts it
 * - {@link runExerciseCommand} (./exercise/): `npm run exercise`: the samples' tutorial code as exercises
 *   (start, verify, hint, solution, reset, list), checked from the emulator's request journal
 */

export { exerciseUsage, runExerciseCommand } from "./exercise/cli.js";
export type { CompileError, Failure, ObservedRequest } from "./exercise/judge.js";
export { VERIFY_LIFETIME_MINUTES, VERIFY_SCOPES, type VerifyResult, verifyStep } from "./exercise/verify.js";
export type { CommandIO } from "./io.js";
export { pickLanguage } from "./language.js";
export {
  checkValidity,
  type EmulatorSource,
  type Inspection,
  inspectToken,
  isInvalid,
  runTokenCommand,
  TOKEN_USAGE,
  type ValidityCheck,
} from "./token/index.js";
