/**
 * Fault injection: the next `times` matching calls fail with a status, are delayed, or lose their connection.
 * A fault names an operation of the route table (OPERATIONS of ./routes/index.ts, e.g. `issueAccessToken`) or `*`.
 */

export interface FaultSpec {
  /** An operation name (faultable operations of the route table) or `*` for any. */
  operation: string;
  status?: number;
  retryAfterSeconds?: number;
  times: number;
  delayMs?: number;
  reset?: boolean;
}

const KEYS = new Set(["operation", "status", "retryAfterSeconds", "times", "delayMs", "reset"]);
const MAX_DELAY_MS = 120_000;

/**
 * Validates one fault against the operations that can fail; throws an Error with a clear message naming the field.
 */
export function validateFault(value: unknown, operations: readonly string[], where = "fault"): FaultSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be a JSON object`);
  }
  const v = value as Record<string, unknown>;
  for (const key of Object.keys(v)) {
    if (!KEYS.has(key))
      throw new Error(`${where}: unknown property "${key}" (allowed: ${[...KEYS].join(", ")})`);
  }
  const ops: readonly string[] = [...operations, "*"];
  if (typeof v.operation !== "string" || !ops.includes(v.operation)) {
    throw new Error(`${where}: "operation" must be one of ${ops.map((o) => `"${o}"`).join(", ")}`);
  }
  const isInt = (x: unknown, min: number, max: number) =>
    typeof x === "number" && Number.isInteger(x) && x >= min && x <= max;
  if (!isInt(v.times, 1, 1_000_000)) throw new Error(`${where}: "times" must be an integer >= 1`);
  if (v.status !== undefined && !isInt(v.status, 400, 599)) {
    throw new Error(`${where}: "status" must be an HTTP error status between 400 and 599`);
  }
  if (v.retryAfterSeconds !== undefined && !isInt(v.retryAfterSeconds, 0, 3600)) {
    throw new Error(`${where}: "retryAfterSeconds" must be an integer between 0 and 3600`);
  }
  if (v.delayMs !== undefined && !isInt(v.delayMs, 0, MAX_DELAY_MS)) {
    throw new Error(`${where}: "delayMs" must be an integer between 0 and ${MAX_DELAY_MS}`);
  }
  if (v.reset !== undefined && typeof v.reset !== "boolean")
    throw new Error(`${where}: "reset" must be a boolean`);
  if (v.status === undefined && v.delayMs === undefined && v.reset !== true) {
    throw new Error(`${where}: give at least one of "status", "delayMs" or "reset": true`);
  }
  if (v.status !== undefined && v.reset === true) {
    throw new Error(`${where}: "status" and "reset" cannot be combined (a reset connection has no status)`);
  }
  if (v.retryAfterSeconds !== undefined && v.status === undefined) {
    throw new Error(`${where}: "retryAfterSeconds" needs a "status"`);
  }
  const fault: FaultSpec = { operation: v.operation, times: v.times as number };
  if (v.status !== undefined) fault.status = v.status as number;
  if (v.retryAfterSeconds !== undefined) fault.retryAfterSeconds = v.retryAfterSeconds as number;
  if (v.delayMs !== undefined) fault.delayMs = v.delayMs as number;
  if (v.reset !== undefined) fault.reset = v.reset as boolean;
  return fault;
}

/** Parses a JSON fault list (an array, or a single fault object), e.g. from env ACS_EMULATOR_FAULTS. */
export function parseFaultList(json: string, operations: readonly string[]): FaultSpec[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch (error) {
    throw new Error(`Faults are not valid JSON: ${(error as Error).message}`);
  }
  if (Array.isArray(data)) return data.map((item, i) => validateFault(item, operations, `faults[${i}]`));
  return [validateFault(data, operations)];
}

/** The armed faults, consumed in order. */
export class FaultBook {
  private faults: FaultSpec[] = [];

  /** @param operations the operations faults may name (the route table's faultable ones). */
  constructor(readonly operations: readonly string[]) {}

  /** Validates (see validateFault) and arms a fault; throws an Error with a clear message when it is not valid. */
  add(fault: unknown, where?: string): void {
    this.faults.push(validateFault(fault, this.operations, where));
  }

  /** True when no fault is armed (the handler's fast path). */
  get empty(): boolean {
    return this.faults.length === 0;
  }

  clear(): void {
    this.faults = [];
  }

  /** Takes the first armed fault matching the operation (decrementing its `times`). */
  take(operation: string): FaultSpec | undefined {
    const index = this.faults.findIndex((f) => f.operation === operation || f.operation === "*");
    if (index < 0) return undefined;
    const fault = this.faults[index] as FaultSpec;
    fault.times--;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  list(): FaultSpec[] {
    return this.faults.map((f) => ({ ...f }));
  }
}
