/**
 * The emulator: one ACS resource (service model), its fault book, and the one Fetch-API handler.
 */
import { accessKeyProblem, NEW_ACCESS_KEY_COMMAND } from "@acs-quickstart/common";
import { catalogue, errorResponse, ServiceErrorException } from "./catalogue.js";
import { ChatModel } from "./chat/model.js";
import { identityCheck } from "./chat/routes.js";
import { FaultBook, type FaultSpec, validateFault } from "./faults.js";
import { createHandler, type HandleContext } from "./routes.js";
import { type IdentityRecord, IdentityService, type TokenValidation } from "./service.js";
import { lockStateFile } from "./state-file.js";

export interface EmulatorOptions {
  /**
   * The resource's access key, canonical standard base64 (isAccessKey of @acs-quickstart/common, the rule
   * the quickstart's configuration applies too); default: the one in stateFile, else 32 random bytes.
   */
  accessKey?: string;
  /** Resource GUID; default: the one in stateFile, else random. */
  resourceId?: string;
  /**
   * The RS256 key access tokens are signed with, as PKCS#8 PEM (2048-bit RSA); default: the one in stateFile,
   * else a new one. Making a key costs 0.2-0.3 s of CPU: tests that start many emulators give them one key.
   */
  signingKey?: string;
  /**
   * Loaded at start if it exists; written atomically on every change. Held (`<stateFile>.lock`) until
   * `close()`: a second emulator on the same file, in any process, fails with an EmulatorStateError.
   */
  stateFile?: string;
  /** Accepted distance between `x-ms-date` and the emulator's clock, both ways. Default 15. */
  clockSkewMinutes?: number;
  /** Entra ID bearer tokens: accept any (default) or reject all. */
  bearer?: "accept" | "reject";
  /** Pre-armed faults. */
  faults?: FaultSpec[];
  /** Injectable clock (epoch ms). */
  now?: () => number;
}

export interface Emulator {
  readonly accessKey: string;
  readonly resourceId: string;
  /** THE one handler for every route (incl. /_emulator/). `context.rawTarget`: see HandleContext. */
  handle(request: Request, context?: HandleContext): Promise<Response>;
  /** Model access for tests. */
  identities(): IdentityRecord[];
  validateToken(token: string): Promise<TokenValidation>;
  addFault(fault: FaultSpec): void;
  clearFaults(): void;
  armedFaults(): FaultSpec[];
  reset(): void;
  /** Writes pending state (token counters) to the state file. */
  flush(): void;
  /** Flushes state and stops timers. */
  close(): Promise<void>;
}

export async function createEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const now = options.now ?? Date.now;
  const keyProblem = options.accessKey === undefined ? undefined : accessKeyProblem(options.accessKey);
  if (keyProblem !== undefined) {
    throw new Error(
      `accessKey is not valid base64: ${keyProblem}. Give it the key of a real resource, or a new one from \`${NEW_ACCESS_KEY_COMMAND}\`.`,
    );
  }
  const clockSkewMinutes = options.clockSkewMinutes ?? 15;
  if (!(clockSkewMinutes >= 0)) throw new Error("clockSkewMinutes must be a number >= 0");
  const lock = options.stateFile !== undefined ? await lockStateFile(options.stateFile) : undefined;
  let service: IdentityService;
  try {
    service = await IdentityService.create({
      now,
      ...(options.accessKey !== undefined ? { accessKey: options.accessKey } : {}),
      ...(options.resourceId !== undefined ? { resourceId: options.resourceId } : {}),
      ...(options.signingKey !== undefined ? { signingKey: options.signingKey } : {}),
      ...(options.stateFile !== undefined ? { stateFile: options.stateFile } : {}),
    });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const closed = new AbortController();
  const faults = new FaultBook();
  for (const [i, fault] of (options.faults ?? []).entries()) faults.add(validateFault(fault, `faults[${i}]`));
  const chat = new ChatModel({ now, checkIdentity: identityCheck((id) => identityState(service, id)) });
  const handler = createHandler(
    service,
    faults,
    {
      accessKey: service.accessKey,
      clockSkewMinutes,
      bearer: options.bearer ?? "accept",
      now,
      closed: closed.signal,
    },
    chat,
  );
  return {
    accessKey: service.accessKey,
    resourceId: service.resourceId,
    handle: async (request, context) => {
      try {
        return await handler(request, context);
      } catch (error) {
        // A bug or an I/O failure (e.g. the state file cannot be written): a service-shaped 500.
        console.error("ACS emulator: unexpected error", error);
        return errorResponse(catalogue.internalError());
      }
    },
    identities: () => service.identityList().map((r) => ({ ...r })),
    validateToken: (token) => service.validateToken(token),
    addFault: (fault) => faults.add(validateFault(fault)),
    clearFaults: () => faults.clear(),
    armedFaults: () => faults.list(),
    reset: () => {
      faults.clear();
      service.reset();
      chat.reset();
    },
    flush: () => service.persistNow(),
    close: async () => {
      closed.abort();
      try {
        service.close();
      } finally {
        // A process that exits without close() (e.g. process.exit) gives the file back too (lockFile).
        await lock?.release();
      }
    },
  };
}

/** Whether an identity can take part in a chat: this resource's and not deleted (`ok`), another's, or unknown. */
function identityState(service: IdentityService, id: string): "ok" | "foreign" | "unknown" {
  try {
    service.ownedIdentity(id);
    return "ok";
  } catch (error) {
    return error instanceof ServiceErrorException && error.error.status === 404 ? "unknown" : "foreign";
  }
}
