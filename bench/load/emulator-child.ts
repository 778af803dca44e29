/**
 * The standalone emulator in a child process of its own, for figure 2 (run with --expose-gc).
 * IPC: sends {type:"ready", url, caPath, accessKey}; answers {type:"mem"} with process.memoryUsage() after
 * forcing GC; {type:"stop"} closes the server and exits.
 */
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";

const stateDir = process.argv[2];
if (!stateDir || !process.send) throw new Error("usage: fork emulator-child.ts <stateDir> (with IPC)");
const send = (message: unknown) => process.send?.(message);
const running = await startStandaloneEmulator({ port: 0, host: "127.0.0.1", stateDir });

process.on("message", async (message: { type: string }) => {
  if (message.type === "mem") send({ type: "mem", ...measureMemory() });
  if (message.type === "usage") send(usage());
  if (message.type === "stop") {
    await running.close();
    process.exit(0);
  }
});
send({ type: "ready", url: running.url, caPath: running.caPath, accessKey: running.emulator.accessKey });

/** CPU time of the whole process (all threads) and the event loop's utilisation (the main thread alone). */
export function usage() {
  return { type: "usage", cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
}

export function measureMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage();
}
