/**
 * `@acs-quickstart/workshop`: the workshop kit.
 *
 * - {@link runTokenCommand} (./token/): `npm run token -- inspect`: what a token says, what its scopes allow,
 *   and whether the emulator that issued it still accepts it
 */

export type { CommandIO } from "./io.js";
export { pickLanguage } from "./language.js";
export { runTokenCommand, TOKEN_USAGE } from "./token/cli.js";
export { type Inspection, inspectToken, isInvalid } from "./token/inspect.js";
export { checkValidity, type EmulatorSource, type ValidityCheck } from "./token/validity.js";
