/**
 * Signals during a run. The first SIGINT (Ctrl-C), SIGTERM (kill, a CI timeout) or SIGHUP (the terminal was
 * closed) stops the steps (it aborts the requests in flight, and a `--pause` prompt) and lets clean-up run;
 * during clean-up further signals are answered, not obeyed, so that what the run made is still deleted. The
 * exit code says which signal stopped the run (128 + n: 130, 143, 129).
 */
import { constants } from "node:os";

/** Where signals come from: `process`, or a test's own emitter. */
export type SignalSource = Pick<NodeJS.Process, "on" | "off">;

export const HANDLED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const satisfies readonly NodeJS.Signals[];

/** What a person is told when a signal stops the run. */
export const SIGNAL_NAMES: Record<(typeof HANDLED_SIGNALS)[number], string> = {
  SIGINT: "Interrupted (Ctrl-C)",
  SIGTERM: "Terminated",
  SIGHUP: "Hangup (the terminal was closed)",
};

export interface RunSignals {
  /** Aborted by the first signal: every request of the steps listens to it. */
  readonly abortSignal: AbortSignal;
  /** The signal that stopped the run, if one did. */
  interrupted(): NodeJS.Signals | undefined;
  /** Acts as if `signal` had arrived (e.g. Ctrl-C read by a prompt, which the terminal does not send as a signal). */
  raise(signal: NodeJS.Signals): void;
  /** Runs `task` (clean-up) with further signals answered by `onSignal` instead of stopping anything. */
  shielded<T>(onSignal: (signal: NodeJS.Signals) => void, task: () => Promise<T>): Promise<T>;
  /** Stops listening. */
  dispose(): void;
}

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export function listenForSignals(source: SignalSource, onStop: (signal: NodeJS.Signals) => void): RunSignals {
  const controller = new AbortController();
  let interrupted: NodeJS.Signals | undefined;
  let shield: ((signal: NodeJS.Signals) => void) | undefined;
  const raise = (signal: NodeJS.Signals) => {
    if (shield) return shield(signal);
    if (interrupted) return;
    interrupted = signal;
    onStop(signal);
    controller.abort(new Error(`Interrupted by ${signal}`));
  };
  const listeners = HANDLED_SIGNALS.map((signal) => {
    const listener = () => raise(signal);
    source.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    abortSignal: controller.signal,
    interrupted: () => interrupted,
    raise,
    async shielded(onSignal, task) {
      shield = onSignal;
      try {
        return await task();
      } finally {
        shield = undefined;
      }
    },
    dispose() {
      for (const [signal, listener] of listeners) source.off(signal, listener);
    },
  };
}
