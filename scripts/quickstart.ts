/**
 * npm run quickstart: the tutorial's steps, in order, on the built-in emulator or against your resource.
 * `npm run quickstart -- --help` lists the options. The runner itself is packages/runner.
 */
import { closeSync, openSync } from "node:fs";
import { isatty } from "node:tty";
import { runQuickstart, signalExitCode } from "@acs-quickstart/runner";

function exit(code: number): void {
  // After SIGHUP the terminal is gone: on exit, Node would restore its settings, fail, and abort (exit 134).
  // It leaves alone a standard stream that no longer is the file it started with: point them at /dev/null.
  if (code === signalExitCode("SIGHUP")) detachFromTerminal();
  process.exitCode = code;
  // Everything this run made is cleaned up and reported by now. Do not wait for idle keep-alive sockets or a
  // request abandoned by Ctrl-C: exit as soon as the output is flushed.
  setTimeout(() => process.exit(code), 50).unref();
}

/** The standard streams that are a terminal, as at start (after a hangup, isatty() says no). */
const onTerminal = [0, 1, 2].filter((fd) => isatty(fd));

function detachFromTerminal(): void {
  for (const fd of onTerminal) {
    try {
      closeSync(fd);
      openSync("/dev/null", fd === 0 ? "r" : "w"); // takes the lowest free descriptor: the one just closed
    } catch {
      // nothing more to do: the exit code is what matters now
    }
  }
}

runQuickstart(process.argv.slice(2)).then(exit, (error: unknown) => {
  // Anything unexpected: one clear line, no stack trace unless asked for with DEBUG=1.
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`The quickstart stopped unexpectedly: ${text}\n`);
  if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  exit(1);
});
