/**
 * The samples print with `console.log`, as the tutorial's code does. While a step runs, everything it prints goes
 * to the run's reporter instead (with --json, as `output` events), and back to the console afterwards: every
 * method of the console (`log`, `info`, `debug`, `dir`, `table` on stdout; `error`, `warn`, `trace`, a failed
 * `assert` on stderr, worded by a node:console `Console` as Node would word them) and direct writes to
 * `process.stdout` and `process.stderr`.
 *
 * Only what the task itself prints is captured: the patches follow the task's asynchronous context
 * (node:async_hooks AsyncLocalStorage), so output of anything else in the process meanwhile (a signal handler,
 * the reporter that `onText` writes to) goes where it always went; and the task's `process.stdout` is a stand-in,
 * so a stream the runner took before the step (its reporter's) is written to as usual, also during the step.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { Console } from "node:console";

/** Which of the process's streams the text was meant for. */
export type OutputStream = "stdout" | "stderr";

/** The console's methods that print (the others, e.g. `time`, print through these or through the streams). */
const PRINTING = [
  "log",
  "info",
  "debug",
  "dir",
  "dirxml",
  "table",
  "error",
  "warn",
  "trace",
  "assert",
  "group",
  "groupCollapsed",
  "groupEnd",
  "count",
  "countReset",
  "time",
  "timeEnd",
  "timeLog",
] as const satisfies readonly (keyof Console)[];

/** One task's capture: its own Console, and the end of a line not yet finished, per stream. */
class Capture {
  readonly console: Console;
  /** Set once the task has ended: what its leftover callbacks print then goes to the console as usual. */
  closed = false;
  private readonly pending: Record<OutputStream, string> = { stdout: "", stderr: "" };

  constructor(private readonly onText: (text: string, stream: OutputStream) => void) {
    const to = (stream: OutputStream) => ({ write: (text: string) => this.write(text, stream) });
    this.console = new Console({
      stdout: to("stdout") as unknown as NodeJS.WritableStream,
      stderr: to("stderr") as unknown as NodeJS.WritableStream,
      ignoreErrors: false,
      colorMode: false,
    });
  }

  /** Text up to its last newline is told (one `onText` per write, as one `console.log` is one text); the rest waits. */
  write(text: string, stream: OutputStream): boolean {
    const all = this.pending[stream] + text;
    const end = all.lastIndexOf("\n");
    this.pending[stream] = all.slice(end + 1);
    if (end >= 0) this.tell(all.slice(0, end), stream);
    return true;
  }

  /** At the task's end: what is left of an unfinished line is told, and nothing more is captured. */
  close(): void {
    this.closed = true;
    for (const stream of ["stdout", "stderr"] as const) {
      const rest = this.pending[stream];
      this.pending[stream] = "";
      if (rest !== "") this.tell(rest, stream);
    }
  }

  private tell(text: string, stream: OutputStream): void {
    // Outside the task's context: whatever onText prints (the reporter) is not captured again.
    current.exit(() => this.onText(text, stream));
  }
}

const current = new AsyncLocalStorage<Capture>();
/** How many captures are running (they may overlap): the patches stay while any is. */
let running = 0;
let restore: (() => void) | undefined;

/** Routes the console and the standard streams to the capture of the context that prints, if any. */
/** The capture of the context that prints now, unless its task has ended. */
function capturing(): Capture | undefined {
  const capture = current.getStore();
  return capture && !capture.closed ? capture : undefined;
}

function patch(): () => void {
  const saved = PRINTING.map((name) => [name, console[name]] as const);
  for (const [name, original] of saved) {
    const method = ((...args: unknown[]) => {
      const capture = capturing();
      return capture
        ? (capture.console[name] as (...a: unknown[]) => void)(...args)
        : (original as (...a: unknown[]) => void).apply(console, args);
    }) as Console[typeof name];
    (console as unknown as Record<string, unknown>)[name] = method;
  }
  // process.stdout and process.stderr, as the task finds them, are stand-ins whose `write` captures. A reference
  // taken before the task (the run's reporter holds one) is the stream itself: what the runner writes to it
  // during the step, e.g. an event, is not the step's output.
  const streams = (["stdout", "stderr"] as const).map((name) => {
    const descriptor = Object.getOwnPropertyDescriptor(process, name) as PropertyDescriptor;
    const real = process[name];
    const write = function write(chunk: unknown, ...rest: unknown[]) {
      const capture = capturing();
      if (!capture) return (real.write as (...a: unknown[]) => boolean).call(real, chunk, ...rest);
      const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : undefined;
      const text =
        typeof chunk === "string"
          ? encoding && encoding !== "utf8" && encoding !== "utf-8"
            ? Buffer.from(chunk, encoding).toString("utf8")
            : chunk
          : Buffer.from(chunk as Uint8Array).toString("utf8");
      capture.write(text, name);
      const callback = rest.find((r) => typeof r === "function") as ((e?: Error) => void) | undefined;
      if (callback) process.nextTick(callback);
      return true;
    };
    const standIn = Object.create(real, { write: { value: write, writable: true, configurable: true } });
    Object.defineProperty(process, name, {
      configurable: true,
      enumerable: true,
      get: () => (capturing() ? standIn : real),
    });
    return [name, descriptor] as const;
  });
  return () => {
    for (const [name, original] of saved) (console as unknown as Record<string, unknown>)[name] = original;
    for (const [name, descriptor] of streams) Object.defineProperty(process, name, descriptor);
  };
}

/**
 * Runs `task` with what it prints given to `onText` (a line or lines, without the last newline, and the stream
 * it was meant for) instead of the console; resolves or rejects as the task does.
 */
export async function capturingConsole<T>(
  onText: (text: string, stream: OutputStream) => void,
  task: () => Promise<T>,
): Promise<T> {
  const capture = new Capture(onText);
  if (running++ === 0) restore = patch();
  try {
    return await current.run(capture, task);
  } finally {
    capture.close();
    if (--running === 0) {
      restore?.();
      restore = undefined;
    }
  }
}
