/** The run's reporter: human text on stdout, or with `--json` NDJSON events on stdout and the text on stderr. */
import { humanReporter } from "./human.js";
import { ndjsonReporter } from "./ndjson.js";
import type { Reporter, Writer } from "./reporter.js";

export { plural } from "./human.js";
export type {
  IdentitiesLeft,
  Notice,
  Reporter,
  RunSummary,
  StepResult,
  ThreadLeft,
  ThreadsLeft,
  Writer,
} from "./reporter.js";

/** Forwards every event to each reporter. */
function both(a: Reporter, b: Reporter): Reporter {
  const forward =
    <K extends keyof Reporter>(key: K) =>
    (...args: Parameters<Reporter[K]>) => {
      (a[key] as (...x: Parameters<Reporter[K]>) => void)(...args);
      (b[key] as (...x: Parameters<Reporter[K]>) => void)(...args);
    };
  return Object.fromEntries(
    Object.keys(a).map((key) => [key, forward(key as keyof Reporter)]),
  ) as unknown as Reporter;
}

/**
 * @param cleanUpCommand the command that deletes what this run and earlier ones left for the same resource, as the
 *   summary shows it (it names the run's `--env-file`, `--live` or `--emulator`, which choose the resource)
 */
export function createReporter(
  json: boolean,
  stdout: Writer,
  stderr: Writer,
  cleanUpCommand = "npm run quickstart -- --clean-up",
): Reporter {
  // `npm run quickstart | head` closes stdout early, a closed terminal (SIGHUP) fails every write: keep running
  // (and cleaning up) without them.
  for (const stream of [stdout, stderr]) {
    if (stream !== process.stdout && stream !== process.stderr) continue;
    (stream as NodeJS.WriteStream).on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && error.code !== "EIO") throw error;
    });
  }
  return json
    ? both(ndjsonReporter(stdout), humanReporter(stderr, cleanUpCommand))
    : humanReporter(stdout, cleanUpCommand);
}
