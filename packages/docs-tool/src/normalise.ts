/**
 * What changes from one run of the quickstart to the next, replaced by placeholders so that two runs
 * (or a page and a run) can be compared. Pages keep real output; only the comparison is normalised.
 */
const RULES: ReadonlyArray<readonly [RegExp, string]> = [
  // Identities: 8:acs:<resource id>_<identity id>, as the service and the emulator issue them.
  [/8:acs:[0-9A-Za-z-]+_[0-9A-Za-z-]+/g, "8:acs:<id>"],
  // Access tokens: masked (`eyJhbGciOiJS… (1123 characters)`) or, with --show-secrets, in full.
  [/eyJ[\w-]*… \(\d+ characters?\)/g, "<token>"],
  [/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, "<token>"],
  // Chat thread ids: 19:acsV1_<43 characters>1@thread.v2.
  [/19:[\w-]+@thread\.v2/g, "19:<thread>@thread.v2"],
  // A server of this computer on a free port (part two's token service): http://127.0.0.1:54321.
  [/\b(127\.0\.0\.1|localhost):\d+/g, "$1:<port>"],
  // ISO-8601 times: 2026-11-26T01:16:45Z, 2026-11-26T01:16:45.123+00:00.
  [/\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?/g, "<time>"],
  // Durations the runner measures: `(12 ms)`, `in 0.4 s`.
  [/\b\d+(?:\.\d+)? (ms|s)\b/g, "<n> $1"],
];

/** One line, normalised. */
export function normaliseLine(line: string): string {
  let text = line.trimEnd();
  for (const [pattern, replacement] of RULES) text = text.replace(pattern, replacement);
  return text;
}

/** A block of output, normalised line by line (line endings unified, trailing blank lines dropped). */
export function normalise(text: string): string {
  return text.replace(/\r\n?/g, "\n").split("\n").map(normaliseLine).join("\n").trimEnd();
}
