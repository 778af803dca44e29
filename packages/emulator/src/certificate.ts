/**
 * The standalone server's TLS certificate: self-signed, made on first start with the `selfsigned`
 * library (no openssl needed, works on Windows/macOS), valid for localhost, 127.0.0.1 and ::1 and for the
 * names and addresses learners use to reach a shared emulator; kept in the state dir and reused while it is
 * valid and covers them all (otherwise made anew, and learners must trust the new one).
 */
import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import { writeAtomic } from "@acs-quickstart/common";
import { generate } from "selfsigned";

export interface Certificate {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

const VALID_DAYS = 365;
const RENEW_BEFORE_MS = 7 * 24 * 3600_000;

/** Always in the certificate: the loopback names a learner on the same machine uses. */
const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "::1"];

export async function ensureCertificate(
  stateDir: string,
  now = Date.now(),
  extraNames: readonly string[] = [],
): Promise<Certificate> {
  const certPath = join(stateDir, "cert.pem");
  const keyPath = join(stateDir, "key.pem");
  const names = [...new Set([...LOOPBACK_NAMES, ...extraNames.map((n) => n.replace(/^\[|\]$/g, ""))])];
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = readFileSync(certPath, "utf8");
    const keyPem = readFileSync(keyPath, "utf8");
    if (usable(certPem, now, names)) return { certPem, keyPem, certPath, keyPath };
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
        altNames: names.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })),
      },
    ],
  });
  await writeAtomic(keyPath, pems.private, { mode: 0o600 });
  await writeAtomic(certPath, pems.cert, { mode: 0o644 });
  return { certPem: pems.cert, keyPem: pems.private, certPath, keyPath };
}

function usable(certPem: string, now: number, names: readonly string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      Date.parse(cert.validTo) - now > RENEW_BEFORE_MS &&
      names.every((name) => (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) !== undefined)
    );
  } catch {
    return false;
  }
}
