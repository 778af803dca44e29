/**
 * The emulator: one ACS resource (service model), its fault book, its request journal, and the one handler
 * (./handler.ts) with its two faces: WireRequest → WireResponse (the standalone server) and Fetch Request →
 * Response (msw, tests).
 */
import { accessKeyProblem, NEW_ACCESS_KEY_COMMAND } from "@acs-quickstart/common";
import { API_VERSION_CHECKS, type ApiVersionCheck } from "./api-versions.js";
import { FaultBook, type FaultSpec } from "./faults.js";
import { createHandler } from "./handler.js";
import { RequestJournal, type RequestJournalListener } from "./journal.js";
import { OPERATIONS, ROUTE_MODULES } from "./routes/index.js";
import { type IdentityRecord, IdentityService, type TokenValidation } from "./service.js";
import { lockStateFile } from "./state-file.js";
import { preciseNow } from "./tokens.js";
import { fetchFromWire, type WireRequest, type WireResponse, wireFromFetch } from "./wire.js";

/** Transport details a Fetch Request cannot carry faithfully. */
export interface HandleContext {
  /** The request target exactly as received (node:http `req.url`), percent-encoding untouched. */
  rawTarget?: string;
}

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
  /**
   * `strict` (default): an api-version an operation does not implement is 400 UnsupportedApiVersion, as the
   * service answers. `loose`: a later, unknown one is served with the rules of the newest implemented version
   * (a newer SDK works on day one), and one warning line per such version goes to `warn`.
   */
  apiVersionCheck?: ApiVersionCheck;
  /** Subscribes a request journal listener from the start (see `onRequest`). */
  onRequest?: RequestJournalListener;
  /** Where the emulator's warning lines go (default: console.warn, i.e. stderr). */
  warn?: (line: string) => void;
  /** Injectable clock (epoch ms; fractional digits, when given, show in `expiresOn`). Default: preciseNow. */
  now?: () => number;
}

export interface Emulator {
  readonly accessKey: string;
  readonly resourceId: string;
  /** THE one handler for every route (incl. /_emulator/), Fetch face (msw, tests). `context.rawTarget`: see HandleContext. */
  handle(request: Request, context?: HandleContext): Promise<Response>;
  /** The same handler, wire face (the standalone server): no Fetch objects. */
  handleWire(request: WireRequest): Promise<WireResponse>;
  /**
   * Subscribes to the request journal: one RequestJournalEvent per request handled (answered or dropped), on
   * either transport, after its answer is decided. Returns the function that unsubscribes.
   */
  onRequest(listener: RequestJournalListener): () => void;
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
  const now = options.now ?? preciseNow;
  const keyProblem = options.accessKey === undefined ? undefined : accessKeyProblem(options.accessKey);
  if (keyProblem !== undefined) {
    throw new Error(
      `accessKey is not valid base64: ${keyProblem}. Give it the key of a real resource, or a new one from \`${NEW_ACCESS_KEY_COMMAND}\`.`,
    );
  }
  const clockSkewMinutes = options.clockSkewMinutes ?? 15;
  if (!(clockSkewMinutes >= 0)) throw new Error("clockSkewMinutes must be a number >= 0");
  const apiVersionCheck = options.apiVersionCheck ?? "strict";
  if (!API_VERSION_CHECKS.includes(apiVersionCheck)) {
    throw new Error(`apiVersionCheck must be "strict" or "loose", not ${JSON.stringify(apiVersionCheck)}`);
  }
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
  const faults = new FaultBook(OPERATIONS);
  try {
    for (const [i, fault] of (options.faults ?? []).entries()) faults.add(fault, `faults[${i}]`);
  } catch (error) {
    await lock?.release();
    throw error;
  }
  const journal = new RequestJournal();
  if (options.onRequest) journal.subscribe(options.onRequest);
  const handleWire = createHandler({
    resource: {
      service,
      faults,
      settings: { accessKey: service.accessKey, clockSkewMinutes, bearer: options.bearer ?? "accept", now },
    },
    modules: ROUTE_MODULES,
    apiVersionCheck,
    journal,
    warn: options.warn ?? ((line) => console.warn(line)),
    closed: closed.signal,
  });
  return {
    accessKey: service.accessKey,
    resourceId: service.resourceId,
    handle: async (request, context) =>
      fetchFromWire(await handleWire(await wireFromFetch(request, context?.rawTarget))),
    handleWire,
    onRequest: (listener) => journal.subscribe(listener),
    identities: () => service.identityList().map((r) => ({ ...r })),
    validateToken: (token) => service.validateToken(token),
    addFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    armedFaults: () => faults.list(),
    reset: () => {
      faults.clear();
      service.reset();
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
