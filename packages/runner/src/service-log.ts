/**
 * A step's server (part two's token service) logs pino's JSON lines; among the step's output, each becomes one
 * line for a person: its message, then the facts it logged with it (`status 503, code ServiceUnavailable`), so
 * that a diagnosis can point at "the token service's log line above". pino's own bookkeeping (time, pid,
 * hostname, request id, level) is left out, and so is a stack trace.
 */

/** Fields every pino line has, or Fastify adds to each request's lines: not what happened. */
const BOOKKEEPING = new Set([
  "level",
  "time",
  "pid",
  "hostname",
  "reqId",
  "msg",
  "req",
  "res",
  "responseTime",
]);

const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** One log line as a person reads it, e.g. `Communication Services did not answer as expected (status 503, code ServiceUnavailable)`. */
export function describeLogLine(line: string): string {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return line.trimEnd();
  }
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return line.trimEnd();
  const { msg, err, ...rest } = entry as Record<string, unknown>;
  const facts = Object.entries(rest)
    .filter(([key, value]) => !BOOKKEEPING.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => `${key} ${text(value)}`);
  // An error logged with the line: its message only (its stack is for the service's own log).
  const error = (err as { message?: unknown } | undefined)?.message;
  if (typeof error === "string" && error !== msg) facts.push(`error ${error}`);
  const message = typeof msg === "string" && msg !== "" ? msg : "(no message)";
  return facts.length > 0 ? `${message} (${facts.join(", ")})` : message;
}
