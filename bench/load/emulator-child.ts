/**
 * The standalone emulator in a child process of its own, for figure 2 (run with --expose-gc).
 * IPC: sends {type:"ready", url, caPath, accessKey}; answers {type:"mem"} with process.memoryUsage() after
 * forcing GC; {type:"stop"} closes the server and exits.
 */
import { readFileSync } from "node:fs";
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

/**
 * CPU time of the whole process (all threads), the event loop's utilisation, and the main thread's own CPU time
 * (Linux; the event loop's active time also counts time the thread waited for a core).
 */
export function usage() {
  return {
    type: "usage",
    cpu: process.cpuUsage(),
    elu: performance.eventLoopUtilization(),
    mainCpuMs: mainThreadCpuMs(),
  };
}

/** CPU time of this process's main thread, ms (Linux: /proc, clock ticks of 10 ms; elsewhere undefined). */
function mainThreadCpuMs(): number | undefined {
  try {
    const fields =
      readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export function measureMemory(): NodeJS.MemoryUsage {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage();
}
