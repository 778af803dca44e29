/**
 * The virtual clock of emulator mode: while a task runs on it, this process's `Date`, `setTimeout` and
 * `clearTimeout` are @sinonjs/fake-timers' (so the SDKs' timers are too, e.g. AzureCommunicationTokenCredential's
 * proactive refresh), and so is the in-process emulator's clock when it reads `Date.now()` at each call (its
 * `now` option). Time flows as usual (every 5 ms of real time moves it 5 ms), and `pass(ms)` moves it on at
 * once, firing the timers due meanwhile in order. Afterwards `Date` and the timers are the real ones again.
 * The runner's emulator mode and the tests that need an hour to pass in a second all use this one clock: a
 * test that faked timers with settings of its own (without `shouldClearNativeTimers`) is how the first failure
 * below reached `npm test`.
 *
 * Timers live on both sides of the clock's start and end, because some owners outlive it: above all `fetch`
 * (Node's undici), whose kept-alive connections stay in a process-wide pool. What holds:
 * - A timer made before the clock stays a real one: `pass()` does not fire it, and clearing it while the clock
 *   runs clears it (fake-timers' `shouldClearNativeTimers`). Without that option fake-timers' `clearTimeout`
 *   ignores a real timer, with a warning only. undici arms a real timer with a WeakRef to the connection's
 *   parser while the connection waits to be reused (its keep-alive time-out), and clears it when it reuses the
 *   connection (`Parser.setTimeout` → `timers.clearTimeout` → the global `clearTimeout`, lib/dispatcher/
 *   client-h1.js and lib/util/timers.js of undici 6.24.1, Node 20.20's). Ignored, the timer stays armed; once
 *   the connection has closed and its parser has been collected, it fires and `onParserTimeout` throws
 *   "Cannot destructure property 'socket' of 'parser.deref(...)' as it is undefined" as an uncaught exception,
 *   when the keep-alive time-out ends: seconds later, usually after the clock (nodejs/undici#4755; undici's
 *   guard, nodejs/undici#4758, is not in the undici of Node 20.20).
 * - The timer ids of fake-timers go on increasing from one clock to the next (one fake-timers instance for the
 *   process): clearing a timer of an earlier clock, e.g. the keep-alive timer of a connection made on it and
 *   reused on a later one, never cancels the later clock's timer that happens to have the same id.
 * - A timer still pending on the virtual clock when it ends never fires, and clearing it afterwards does
 *   nothing. For fetch: a connection left idle on the clock is closed by the server, not by its keep-alive
 *   time-out; and if the first request of the process ran on the clock, undici's header and body time-outs
 *   (5 minutes each, on a timer it makes once per process) no longer fire.
 *
 * Only one clock can run at a time (fake-timers refuses a second while `Date` is fake).
 */
import FakeTimers from "@sinonjs/fake-timers";

/** A virtual clock: `pass(ms)` makes that much time pass at once (the timers due meanwhile fire, in order). */
export interface VirtualClock {
  pass(ms: number): Promise<void>;
}

/** One instance for the process, so that fake timer ids are never reused by a later clock. */
const fakeTimers = FakeTimers.withGlobal(globalThis);

/**
 * Runs `task` on a virtual clock, and returns or throws what it does; the real clock is back before that.
 * @throws {TypeError} from fake-timers when a virtual clock is already running in this process.
 */
export async function withVirtualClock<T>(task: (clock: VirtualClock) => Promise<T>): Promise<T> {
  const clock = fakeTimers.install({
    now: Date.now(),
    toFake: ["Date", "setTimeout", "clearTimeout"],
    shouldAdvanceTime: true,
    advanceTimeDelta: 5,
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
