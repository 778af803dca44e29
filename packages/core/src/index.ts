/**
 * `@acs-quickstart/core`: what every step of the quickstart shares.
 *
 * - {@link loadConfig}: which resource, and how to sign in (connection string, endpoint + key, Entra ID)
 * - {@link createIdentityClient}: the one place a `CommunicationIdentityClient` is made
 * - {@link IdentityStore}: the identities created so far, remembered between runs
 * - {@link formatExpiry}, {@link formatScopes}, {@link maskToken}: output that is readable and safe to share
 * - {@link diagnose}: what went wrong and how to fix it
 * - {@link TOKEN_SCOPES}, {@link TOKEN_LIFETIME_MINUTES}: what an access token can be asked for
 * - {@link LANGUAGES}, {@link Texts}: the tutorial's languages, for texts shown in either
 */

/** From `@acs-quickstart/common`, re-exported so that steps and the runner need only core. */
export { repoRoot, stateDir } from "@acs-quickstart/common";
export { type CreateIdentityClientOptions, clientPipelineOptions, createIdentityClient } from "./client.js";
export {
  ACCESS_KEY_VARIABLE,
  CONNECTION_STRING_VARIABLE,
  type Config,
  ConfigError,
  describeConfig,
  ENDPOINT_VARIABLE,
  type LoadConfigOptions,
  loadConfig,
  readSetting,
} from "./config.js";
export { type DiagnoseContext, type Diagnosis, diagnose, formatDiagnosis, redact } from "./diagnose.js";
export { ACCESS_KEY_ALIASES, type ConfigNotice, unreadVariables } from "./env-file.js";
export {
  formatExpiry,
  formatScopes,
  MASK_VISIBLE_CHARACTERS,
  maskToken,
  revealSecrets,
  setRevealSecrets,
} from "./format.js";
export {
  checkStateDir,
  IdentityStore,
  type NewIdentity,
  type NewStoredThread,
  StateError,
  type StoredIdentity,
  type StoredThread,
} from "./identity-store.js";
export { LANGUAGES, type Language, type Texts } from "./language.js";
export { type ProxyInUse, proxyFor } from "./proxy.js";
export { SCOPE_CAPABILITIES, TOKEN_LIFETIME_MINUTES, TOKEN_SCOPES } from "./tokens.js";
