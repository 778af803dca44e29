/** `--pause`: wait for Enter before a step, in a terminal; without one there is no one to press it. */
import { createInterface } from "node:readline";

/**
 * Resolves when Enter is pressed, or at once when stdin is not a terminal (and says so). Ctrl-C at the
 * prompt is read by the terminal's line editor, not sent as a signal: `onInterrupt` is called instead.
 */
export async function waitForEnter(say: (text: string) => void, onInterrupt: () => void): Promise<void> {
  if (!process.stdin.isTTY) {
    say("      (--pause: stdin is not a terminal, so not waiting for Enter.)");
    return;
  }
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  await new Promise<void>((resolve) => {
    rl.on("SIGINT", () => {
      rl.close();
      onInterrupt();
      resolve();
    });
    rl.question("      Press Enter to run this step… ", () => {
      rl.close();
      resolve();
    });
  });
}
