/**
 * `@acs-quickstart/runner`: the quickstart runner, split by concern.
 *
 * - {@link STEPS} (./steps.ts): THE step registry
 * - {@link runQuickstart} (./run.ts): the run loop; ./cli.ts the command line (one option table for parsing
 *   and help); ./settings.ts the runner's variables; ./modes.ts emulator or live; ./session.ts the identities
 *   the steps share; ./cleanup.ts; ./signals.ts; ./reporters/ human text and NDJSON events
 * - {@link readRegion}, {@link regions}: the `// #region` blocks of a sample that pages and `--pause` show
 */
export {
  OPTION_GROUPS,
  parseArgs,
  parseExpiresIn,
  parseScopes,
  type RunOptions,
  UsageError,
  usage,
} from "./cli.js";
export { capturingConsole } from "./console.js";
export { type RegionSpan, readRegion, regionSpans, regions } from "./regions.js";
export { EXIT, type RunIO, runQuickstart } from "./run.js";
export { DEFAULT_REQUEST_TIMEOUT_MS, SETTINGS, type Settings } from "./settings.js";
export { HANDLED_SIGNALS, signalExitCode } from "./signals.js";
export {
  type ExpectedRequest,
  findStep,
  type IdentityOperation,
  PARTS,
  type Part,
  type RunningService,
  STEP_IDS,
  STEPS,
  type StepCheck,
  type StepContext,
  type StepExercise,
  type StepId,
  type StepService,
  type StepSession,
  type TutorialStep,
  type VirtualClock,
} from "./steps.js";
