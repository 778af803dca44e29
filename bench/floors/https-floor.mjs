// Floor of figure 2: a trivial Node HTTPS server (keep-alive, same certificate as the emulator) that reads the
// request and answers a constant JSON body the size of an issued token. No auth, no model, no signing.
// Forked with IPC: `node --expose-gc https-floor.mjs <cert.pem> <key.pem>` (see floor-server.mjs).
import { serveFloor } from "./floor-server.mjs";

const body = Buffer.from(
  JSON.stringify({
    token: `eyJhbGciOiJSUzI1NiIsImtpZCI6IjAwIiwidHlwIjoiSldUIn0.${"x".repeat(500)}.${"y".repeat(342)}`,
    expiresOn: "2030-01-01T01:00:00.0000000+00:00",
  }),
);
serveFloor((_req, res) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": body.length });
  res.end(body);
});
