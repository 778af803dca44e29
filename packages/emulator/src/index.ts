/**
 * @acs-quickstart/emulator: an offline, SDK-faithful emulator of the ACS Identity REST API.
 * No msw import here: transports live in ./in-process.ts and ./server.ts.
 */

/** The one rule for an access key (from @acs-quickstart/common), for the runner's ACS_EMULATOR_ACCESS_KEY. */
export { isAccessKey } from "@acs-quickstart/common";
export {
  createEmulatorAdminClient,
  type EmulatorAdminClient,
  type EmulatorAdminClientOptions,
  EmulatorAdminError,
} from "./admin-client.js";
export {
  computeSignature,
  contentHash,
  EMPTY_CONTENT_HASH,
  type SignRequestInput,
  signRequest,
} from "./auth.js";
export { catalogue, errorBody, type ServiceError } from "./catalogue.js";
export { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";
export { type FaultSpec, OPERATIONS, type Operation, parseFaults } from "./faults.js";
export { API_VERSIONS, BODY_LIMIT_BYTES, type HandleContext, TEAMS_API_VERSIONS } from "./routes.js";
export type { IdentityRecord, TokenValidation } from "./service.js";
export { EmulatorStateError } from "./state-file.js";
export { formatExpiresOn } from "./tokens.js";
