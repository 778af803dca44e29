/**
 * The virtual clock of emulator mode: while a task runs on it, this process's `Date` and timers are
 * @sinonjs/fake-timers' (the SDKs' timers too, e.g. AzureCommunicationTokenCredential's proactive refresh), and
 * so is the in-process emulator's clock, which reads `Date.now()` at each call. Time flows as usual (every 5 ms
 * of real time moves it 5 ms), and `pass(ms)` moves it on at once, firing the timers due meanwhile in order.
 * Afterwards `Date` and the timers are the real ones again: timers still pending on the virtual clock never fire.
 */
import FakeTimers from "@sinonjs/fake-timers";
import type { VirtualClock } from "./step.js";

export async function withVirtualClock<T>(task: (clock: VirtualClock) => Promise<T>): Promise<T> {
  const clock = FakeTimers.withGlobal(globalThis).install({
    now: Date.now(),
    toFake: ["Date", "setTimeout", "clearTimeout"],
    shouldAdvanceTime: true,
    advanceTimeDelta: 5,
    // Timers made before the clock (e.g. by fetch's sockets) may be cleared while it runs.
    shouldClearNativeTimers: true,
  });
  try {
    return await task({
      pass: async (ms) => {
        await clock.tickAsync(ms);
      },
    });
  } finally {
    clock.uninstall();
  }
}

/** `promise`, or an error after `ms` of real time. */
export async function within<T>(ms: number, promise: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
