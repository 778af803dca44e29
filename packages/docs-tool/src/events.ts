/**
 * Example events on a page, checked against the schema that the runner's events follow:
 *
 *     <!-- events: packages/runner/schema/events-v1.json -->
 *     ```json
 *     {"v":1,"event":"identity-created","step":"<step id>","identity":"8:acs:…","shared":true}
 *     ```
 *
 * - each line of the block is one event, valid under the schema the marker names (JSON Schema 2020-12);
 * - the examples of a page, together, show every event of that schema (the page documents them all);
 * - a `list` example lists the registry's steps, in order, with their pages (and titles, when known).
 */
import { existsSync, readFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { toPosix } from "./links.js";
import type { Fence } from "./pages.js";
import type { Problem } from "./problems.js";
import type { DocsStep } from "./registry.js";

interface Schema {
  validate: ValidateFunction;
  /** The events the schema defines (`$defs` whose `event` is a constant), in its order. */
  events: string[];
}

const schemas = new Map<string, Schema | string>();

/** The compiled schema of a file, or what is wrong with it. Compiled once per file. */
function load(root: string, file: string): Schema | string {
  const path = resolve(root, file);
  const cached = schemas.get(path);
  if (cached) return cached;
  let found: Schema | string;
  if (toPosix(relative(root, path)).startsWith("..") || !existsSync(path)) {
    found = `the schema ${file} does not exist in the repository.`;
  } else {
    try {
      const schema = JSON.parse(readFileSync(path, "utf8")) as {
        $defs?: Record<string, { properties?: { event?: { const?: unknown } } }>;
      };
      const ajv = new Ajv2020({ allErrors: true, strict: true });
      addFormats.default(ajv);
      const events = Object.values(schema.$defs ?? {}).flatMap((def) => {
        const name = def.properties?.event?.const;
        return typeof name === "string" ? [name] : [];
      });
      found = { validate: ajv.compile(schema), events };
    } catch (error) {
      found = `the schema ${file} cannot be used: ${(error as Error).message}`;
    }
  }
  schemas.set(path, found);
  return found;
}

/** Why an event is invalid, in a line: the errors of the schema's branch for its name when there is one. */
function whyInvalid(schema: Schema, event: unknown): string {
  const branch = `#/$defs/${String((event as { event?: unknown })?.event)}/`;
  const errors = schema.validate.errors ?? [];
  const own = errors.filter((error) => error.schemaPath.startsWith(branch));
  return (own.length > 0 ? own : errors)
    .map((error) => `${error.instancePath || "(the event)"} ${error.message}`)
    .join("; ");
}

/** A `list` example's steps against the registry's. */
function listDiffers(event: { steps?: unknown }, steps: readonly DocsStep[]): string | undefined {
  const listed = Array.isArray(event.steps) ? (event.steps as Array<Record<string, unknown>>) : [];
  const want = steps.map((s) => `${s.id} ${s.page}${s.title === undefined ? "" : ` ${s.title}`}`);
  const got = listed.map((s, i) => `${s.id} ${s.page}${steps[i]?.title === undefined ? "" : ` ${s.title}`}`);
  return want.join("\n") === got.join("\n")
    ? undefined
    : `a list event lists the registry's steps (${steps.map((s) => s.id).join(", ")}) with their pages and titles.`;
}

export interface EventsMarker {
  line: number;
  schema: string;
  text: string;
  fence?: Fence;
}

/** The problems of a page's example events, block by block, then what the page's examples leave out. */
export function checkEvents(
  root: string,
  page: { path: string },
  markers: readonly EventsMarker[],
  steps: readonly DocsStep[],
): Problem[] {
  const problems: Problem[] = [];
  const shown = new Map<string, Set<string>>();
  for (const marker of markers) {
    const at = { file: page.path, line: marker.line, marker: marker.text };
    const schema = load(root, marker.schema);
    if (typeof schema === "string") {
      problems.push({ ...at, message: schema, fix: "name the schema's path from the repository root" });
      continue;
    }
    const fence = marker.fence;
    if (!fence?.closed) {
      problems.push({
        ...at,
        message: "the events marker is not immediately followed by a closed fenced code block.",
        fix: "put a ```json block of example events, one a line, on the line right after the marker",
      });
      continue;
    }
    if (fence.info !== "json") {
      problems.push({
        ...at,
        message: `the events' code block should be marked \`\`\`json (found '${fence.info}').`,
      });
    }
    const names = shown.get(marker.schema) ?? new Set<string>();
    shown.set(marker.schema, names);
    fence.content.split("\n").forEach((line, index) => {
      if (line.trim() === "") return;
      const where = { ...at, line: fence.openLine + 1 + index };
      let event: unknown;
      try {
        event = JSON.parse(line);
      } catch (error) {
        problems.push({ ...where, message: `an example event is not JSON: ${(error as Error).message}` });
        return;
      }
      if (!schema.validate(event)) {
        problems.push({
          ...where,
          message: `an example event does not follow ${marker.schema}: ${whyInvalid(schema, event)}.`,
          fix: "correct the example (the schema is what programs rely on), or the schema if the runner changed",
        });
        return;
      }
      const name = (event as { event: string }).event;
      names.add(name);
      const list = name === "list" ? listDiffers(event as { steps?: unknown }, steps) : undefined;
      if (list) problems.push({ ...where, message: list });
    });
  }
  for (const [file, names] of shown) {
    const schema = load(root, file) as Schema;
    const missing = schema.events.filter((name) => !names.has(name));
    if (missing.length > 0) {
      problems.push({
        file: page.path,
        message: `the page's example events show no ${missing.map((name) => `'${name}'`).join(", ")} event, which ${file} defines.`,
        fix: "add an example of each event to an events block of the page",
      });
    }
  }
  return problems;
}
