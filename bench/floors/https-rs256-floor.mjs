// The signing floor of figure 2: a trivial Node HTTPS server (keep-alive, same certificate as the emulator) that
// reads the request and answers each one with a freshly signed RS256 JWT (RSA-2048, signed on libuv's thread pool
// with node:crypto's callback form) in the emulator's JSON shape. No auth, no model, no request parsing beyond
// reading the body: what any faithful token issuer must do at least.
// Forked with IPC: `node --expose-gc https-rs256-floor.mjs <cert.pem> <key.pem>` (see floor-server.mjs).
import { generateKeyPairSync, randomUUID, sign } from "node:crypto";
import { serveFloor } from "./floor-server.mjs";

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const header = b64url({ alg: "RS256", kid: "00", typ: "JWT" });

serveFloor((_req, res) => {
  const iat = Math.floor(Date.now() / 1000);
  const claims = { skypeid: "acs:floor", scp: 1792, iat, exp: iat + 3600, jti: randomUUID() };
  const signingInput = `${header}.${b64url(claims)}`;
  sign("sha256", Buffer.from(signingInput), privateKey, (error, signature) => {
    if (error) {
      res.writeHead(500).end();
      return;
    }
    const body = JSON.stringify({
      token: `${signingInput}.${signature.toString("base64url")}`,
      expiresOn: new Date((iat + 3600) * 1000).toISOString(),
    });
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
});
