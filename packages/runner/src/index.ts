/**
 * `@acs-quickstart/runner`: the quickstart runner.
 *
 * - {@link STEPS}: THE step registry (./steps.ts)
 * - {@link readRegion}, {@link regions}: the `// #region` blocks of a sample that pages and `--pause` show
 */
export { readRegion, regions } from "./regions.js";
export {
  findStep,
  type IdentityOperation,
  STEP_IDS,
  STEPS,
  type StepCheck,
  type StepContext,
  type StepId,
  type StepSession,
  type TutorialStep,
} from "./steps.js";
