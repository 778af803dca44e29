/**
 * `@acs-quickstart/workshop/token`: the token inspector alone (`npm run token`). It loads neither the runner nor
 * the samples, so a sample that does not compile (a learner's exercise) cannot stop it.
 */
export { runTokenCommand, TOKEN_USAGE } from "./cli.js";
export { type Inspection, inspectToken, isInvalid } from "./inspect.js";
export { checkValidity, type EmulatorSource, type ValidityCheck } from "./validity.js";
