/**
 * npm run quickstart: the tutorial's steps, in order, on the built-in emulator or against your resource.
 * `npm run quickstart -- --help` lists the options. The runner itself is packages/runner.
 */
import { runQuickstart } from "@acs-quickstart/runner";

function exit(code: number): void {
  process.exitCode = code;
  // Everything this run made is cleaned up and reported by now. Do not wait for idle keep-alive sockets or a
  // request abandoned by Ctrl-C: exit as soon as the output is flushed.
  setTimeout(() => process.exit(code), 50).unref();
}

runQuickstart(process.argv.slice(2)).then(exit, (error: unknown) => {
  // Anything unexpected: one clear line, no stack trace unless asked for with DEBUG=1.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`The quickstart stopped unexpectedly: ${text}\n`);
  if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  exit(1);
});
