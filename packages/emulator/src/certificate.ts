/**
 * The standalone server's TLS certificate: self-signed, made on first start with `@peculiar/x509` (no
 * openssl needed, works on Windows/macOS), valid for localhost, 127.0.0.1 and ::1 and for the names and
 * addresses learners use to reach a shared emulator; kept in the state dir and reused while it is valid and
 * covers them all (otherwise made anew, and learners must trust the new one).
 *
 * What makes it trustworthy in practice:
 * - valid from a day before it was made: a learner's clock that is behind (up to a day) still accepts it;
 *   the emulator's own HMAC check accepts clocks 15 minutes off;
 * - a subject of its own (`CN=ACS Quickstart emulator <host> <id>`), and subject and authority key
 *   identifiers: a trust bundle that also holds another self-signed `CN=localhost` certificate (many local
 *   development certificates are) does not make Node check it against the wrong one.
 */
import { randomUUID, webcrypto, X509Certificate } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { makeStateDir, writeAtomic } from "@acs-quickstart/common";
import * as x509 from "@peculiar/x509";

export interface Certificate {
  certPem: string;
  keyPem: string;
  certPath: string;
  keyPath: string;
}

const DAY_MS = 24 * 3600_000;
const VALID_DAYS = 365;
const RENEW_BEFORE_MS = 7 * DAY_MS;
/** How long before its creation the certificate is valid: a day (at least the HMAC clock window, 15 minutes). */
export const VALID_BEFORE_CREATION_MS = DAY_MS;
/** The subject's common name starts with this: unique per certificate, never a bare `localhost`. */
export const SUBJECT_PREFIX = "ACS Quickstart emulator";

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
  const pems = await makeCertificate(now, names);
  makeStateDir(stateDir);
  await writeAtomic(keyPath, pems.keyPem, { mode: 0o600 });
  await writeAtomic(certPath, pems.certPem, { mode: 0o644 });
  return { ...pems, certPath, keyPath };
}

async function makeCertificate(
  now: number,
  names: readonly string[],
): Promise<{ certPem: string; keyPem: string }> {
  const algorithm = {
    name: "RSASSA-PKCS1-v1_5",
    hash: "SHA-256",
    publicExponent: new Uint8Array([1, 0, 1]),
    modulusLength: 2048,
  };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    "sign",
    "verify",
  ])) as webcrypto.CryptoKeyPair;
  const notBefore = new Date(now - VALID_BEFORE_CREATION_MS);
  const commonName = `${SUBJECT_PREFIX} ${hostname()} ${randomUUID().slice(0, 8)}`.replace(
    /[,+="<>#;\\]/g,
    " ",
  );
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString("hex")
        .replace(/^[89a-f]/, "1"),
      name: `CN=${commonName}, O=ACS Quickstart`,
      notBefore,
      notAfter: new Date(now + VALID_DAYS * DAY_MS),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        // Self-signed: it is its own trust anchor (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, tlsOptions.ca).
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.digitalSignature |
            x509.KeyUsageFlags.keyEncipherment |
            x509.KeyUsageFlags.keyCertSign,
          true,
        ),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(
          names.map((name) =>
            isIP(name) ? { type: "ip" as const, value: name } : { type: "dns" as const, value: name },
          ),
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(keys.publicKey),
      ],
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey)).toString("base64");
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.match(/.{1,64}/g)?.join("\n")}\n-----END PRIVATE KEY-----\n`;
  return { certPem: cert.toString("pem"), keyPem };
}

/**
 * A kept certificate is used again while it is valid for a week more, covers every name, and is of this kind
 * (its own subject, valid from well before now); one made by an earlier version is made anew.
 */
function usable(certPem: string, now: number, names: readonly string[]): boolean {
  try {
    const cert = new X509Certificate(certPem);
    return (
      Date.parse(cert.validTo) - now > RENEW_BEFORE_MS &&
      Date.parse(cert.validFrom) <= now - 15 * 60_000 &&
      cert.subject.includes(SUBJECT_PREFIX) &&
      names.every((name) => (isIP(name) ? cert.checkIP(name) : cert.checkHost(name)) !== undefined)
    );
  } catch {
    return false;
  }
}
