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
  API_VERSION_CHECKS,
  API_VERSIONS,
  type ApiVersionCheck,
  GET_IDENTITY_API_VERSIONS,
  SUPPORTED_VERSIONS_HEADER,
  TEAMS_API_VERSIONS,
} from "./api-versions.js";
export {
  computeSignature,
  contentHash,
  EMPTY_CONTENT_HASH,
  type SignRequestInput,
  signRequest,
} from "./auth.js";
export { catalogue, type DeniedReason, errorBody, type HmacPart, type ServiceError } from "./catalogue.js";
export { createEmulator, type Emulator, type EmulatorOptions, type HandleContext } from "./emulator.js";
export type { FaultSpec } from "./faults.js";
export { BODY_LIMIT_BYTES } from "./handler.js";
export type { RequestJournalEvent, RequestJournalListener } from "./journal.js";
export { OPERATIONS } from "./routes/index.js";
export type { IdentityRecord, TokenValidation } from "./service.js";
export { EmulatorStateError } from "./state-file.js";
export { formatExpiresOn } from "./tokens.js";
export type { WireRequest, WireResponse } from "./wire.js";

import { type FaultSpec, parseFaultList } from "./faults.js";
import { OPERATIONS } from "./routes/index.js";

/**
 * Parses a JSON fault list (an array, or a single fault object), e.g. from env ACS_EMULATOR_FAULTS, against the
 * operations of the route table. Throws an Error with a clear message naming the fault and the field.
 */
export function parseFaults(json: string): FaultSpec[] {
  return parseFaultList(json, OPERATIONS);
}
