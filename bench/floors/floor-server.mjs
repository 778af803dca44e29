// What the floor servers of figure 2 share: a Node HTTPS server (keep-alive, the emulator's certificate) forked with
// IPC, speaking the messages of bench/load/emulator-child.ts (ready, mem, usage, stop). `answer(req, res)` is
// called once the request body has been read.
// Usage: `node --expose-gc <floor>.mjs <cert.pem> <key.pem>`.
import { readFileSync } from "node:fs";

/** CPU time of this process's main thread, ms (Linux: /proc, clock ticks of 10 ms; elsewhere undefined). */
export function mainThreadCpuMs() {
  try {
    const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

import { createServer } from "node:https";

export function serveFloor(answer) {
  const [certPath, keyPath] = process.argv.slice(2);
  const server = createServer(
    { cert: readFileSync(certPath), key: readFileSync(keyPath), keepAlive: true },
    (req, res) => {
      req.resume();
      req.on("end", () => answer(req, res));
    },
  );
  server.keepAliveTimeout = 30_000;
  server.listen(0, "127.0.0.1", () => {
    process.send({
      type: "ready",
      url: `https://127.0.0.1:${server.address().port}`,
      caPath: certPath,
      accessKey: "",
    });
  });
  process.on("message", (message) => {
    if (message.type === "mem") {
      globalThis.gc?.();
      process.send({ type: "mem", ...process.memoryUsage() });
    }
    if (message.type === "usage") {
      process.send({
        type: "usage",
        cpu: process.cpuUsage(),
        elu: performance.eventLoopUtilization(),
        mainCpuMs: mainThreadCpuMs(),
      });
    }
    if (message.type === "stop") {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    }
  });
}
