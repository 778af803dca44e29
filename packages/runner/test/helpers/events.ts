/**
 * The NDJSON events' schema (packages/runner/schema/events-v1.json), as every test that reads events checks
 * them: each event a run writes with --json must be valid, or the test fails.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

export const EVENTS_SCHEMA = JSON.parse(
  readFileSync(new URL("../../schema/events-v1.json", import.meta.url), "utf8"),
) as { $defs: Record<string, { properties?: { event?: { const?: string } } }> };

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(EVENTS_SCHEMA);

/** What is wrong with an event (empty when it is valid). */
export function validateEvent(event: unknown): string[] {
  if (validate(event)) return [];
  // With oneOf, report the errors of the branch for this event's name, which say what is wrong.
  const name = (event as { event?: unknown })?.event;
  const branch = `#/$defs/${String(name)}`;
  const errors = validate.errors ?? [];
  const own = errors.filter((e) => e.schemaPath.startsWith(branch));
  return (own.length > 0 ? own : errors).map((e) => `${e.instancePath || "(event)"} ${e.message}`);
}

/** Throws when an event does not follow the schema. */
export function assertValidEvent(event: unknown): void {
  const problems = validateEvent(event);
  if (problems.length > 0)
    throw new Error(`Event ${JSON.stringify(event)} does not follow events-v1.json: ${problems.join("; ")}`);
}
