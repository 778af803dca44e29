// Floor of figure 2: a trivial Node HTTPS server (keep-alive, same certificate as the emulator) that reads the
// request and answers a constant JSON body the size of an issued token. No auth, no model, no signing.
// Forked with IPC: `node --expose-gc https-floor.mjs <cert.pem> <key.pem>`; same messages as emulator-child.ts.
import { readFileSync } from "node:fs";
import { createServer } from "node:https";

const [certPath, keyPath] = process.argv.slice(2);
const body = Buffer.from(
  JSON.stringify({
    token: `eyJhbGciOiJSUzI1NiIsImtpZCI6IjAwIiwidHlwIjoiSldUIn0.${"x".repeat(500)}.${"y".repeat(342)}`,
    expiresOn: "2030-01-01T01:00:00.0000000+00:00",
  }),
);
const server = createServer(
  { cert: readFileSync(certPath), key: readFileSync(keyPath), keepAlive: true },
  (req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": body.length,
      });
      res.end(body);
    });
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
    process.send({ type: "usage", cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() });
  }
  if (message.type === "stop") {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  }
});
