/**
 * The standalone server's TLS certificate: self-signed, made on first start with the `selfsigned`
 * library (no openssl needed, works on Windows/macOS), valid for localhost, 127.0.0.1 and ::1,
 * kept in the state dir and reused while it stays valid.
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";

export interface Certificate {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

const VALID_DAYS = 365;
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;

export async function ensureCertificate(stateDir: string, now = Date.now()): Promise<Certificate> {
  const certPath = join(stateDir, "cert.pem");
  const keyPath = join(stateDir, "key.pem");
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, "utf8");
    const keyPem = readFileSync(keyPath, "utf8");
    if (usable(certPem, now)) return { certPem, keyPem, certPath, keyPath };
  }
  const notBeforeDate = new Date(now - 60_000);
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + VALID_DAYS * 24 * 3600_000),
    extensions: [
      // Self-signed: it is its own trust anchor (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, tlsOptions.ca).
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "::1" },
        ],
      },
    ],
  });
  writeAtomic(keyPath, pems.private, 0o600);
  writeAtomic(certPath, pems.cert, 0o644);
  return { certPem: pems.cert, keyPem: pems.private, certPath, keyPath };
}

function usable(certPem: string, now: number): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      Date.parse(cert.validTo) - now > RENEW_BEFORE_MS &&
      cert.checkHost("localhost") !== undefined &&
      cert.checkIP("127.0.0.1") !== undefined
    );
  } catch {
    return false;
  }
}

function writeAtomic(path: string, text: string, mode: number): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, path);
}
