/**
 * The samples print with `console.log`, as the tutorial's code does. While a step runs, what it prints goes
 * to the run's reporter instead (with --json, as `output` events), and back to the console afterwards.
 */
import { format } from "node:util";

export async function capturingConsole<T>(
  onText: (text: string) => void,
  task: () => Promise<T>,
): Promise<T> {
  const log = console.log;
  console.log = (...args: unknown[]) => onText(format(...args));
  try {
    return await task();
  } finally {
    console.log = log;
  }
}
