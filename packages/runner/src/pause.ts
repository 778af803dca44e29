/** `--pause`: wait for Enter before a step, in a terminal; without one there is no one to press it. */
import { createInterface } from "node:readline";

/**
 * Resolves when Enter is pressed, when `stop` aborts (a signal stopped the run: SIGTERM or SIGHUP do not wait
 * for Enter), or at once when stdin is not a terminal (and says so). Ctrl-C at the prompt is read by the
 * terminal's line editor, not sent as a signal: `onStop("SIGINT")` is called instead; input that ends with no
 * Enter (Ctrl-D, or a terminal that went away) is `onStop("SIGHUP")`: no one is there to go on.
 */
export async function waitForEnter(
  say: (text: string) => void,
  stop: AbortSignal,
  onStop: (signal: "SIGINT" | "SIGHUP") => void,
): Promise<void> {
  if (!process.stdin.isTTY) {
    say("      (--pause: stdin is not a terminal, so not waiting for Enter.)");
    return;
  }
  if (stop.aborted) return;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Closing gives the terminal back its settings; after a hangup (SIGHUP) there is no terminal left to set.
  const close = () => {
    try {
      rl.close();
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== "EIO" && !/\bEIO\b/.test(e.message)) throw error;
    }
  };
  // Readline closes itself when the terminal hangs up, and reports the failed reset as an 'error' event.
  rl.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EIO" && !/\bEIO\b/.test(error.message)) throw error;
  });
  let settled = false;
  rl.on("SIGINT", () => {
    settled = true;
    close();
    onStop("SIGINT");
  });
  try {
    await new Promise<void>((resolve) => {
      rl.once("close", () => {
        if (!settled && !stop.aborted) onStop("SIGHUP");
        resolve();
      });
      rl.question("      Press Enter to run this step… ", { signal: stop }, () => {
        settled = true;
        resolve();
      });
      stop.addEventListener("abort", () => resolve(), { once: true });
    });
  } finally {
    settled = true;
    close();
  }
}
