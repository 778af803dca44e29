/**
 * The standalone emulator's certificate: valid from well before it was made (a clock behind still accepts
 * it), a subject of its own with key identifiers (no clash with other self-signed `CN=localhost`
 * certificates in a trust bundle), and one made by an earlier version is made anew.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { ensureCertificate, SUBJECT_PREFIX, VALID_BEFORE_CREATION_MS } from "../src/certificate.js";

const HMAC_CLOCK_WINDOW_MS = 15 * 60_000;
const fresh = () => mkdtempSync(join(tmpdir(), "acs-cert-"));

describe("the emulator's certificate", () => {
  it("is valid from a day before it was made, has a subject of its own and key identifiers", async () => {
    const now = Date.now();
    const made = await ensureCertificate(fresh(), now, ["classroom.example"]);
    const cert = new X509Certificate(made.certPem);
    expect(VALID_BEFORE_CREATION_MS).toBeGreaterThanOrEqual(HMAC_CLOCK_WINDOW_MS);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(now - VALID_BEFORE_CREATION_MS + 1000);
    expect(cert.subject).toContain(`CN=${SUBJECT_PREFIX}`);
    expect(cert.subject).not.toMatch(/^CN=localhost$/m);
    expect(cert.issuer).toBe(cert.subject);
    // Subject and authority key identifiers: the same key, so the certificate names itself as its issuer.
    const parsed = new x509.X509Certificate(made.certPem);
    const ski = parsed.getExtension(x509.SubjectKeyIdentifierExtension);
    const aki = parsed.getExtension(x509.AuthorityKeyIdentifierExtension);
    expect(ski?.keyId).toMatch(/^[0-9a-f]{40}$/);
    expect(aki?.keyId).toBe(ski?.keyId);
    expect(cert.checkHost("classroom.example")).toBe("classroom.example");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(cert.ca).toBe(true);
    const other = new X509Certificate((await ensureCertificate(fresh(), now)).certPem);
    expect(other.subject).not.toBe(cert.subject);
  });

  it("keeps a certificate of this kind; makes anew one of an earlier kind (CN=localhost, valid from a minute before)", async () => {
    const dir = fresh();
    const first = await ensureCertificate(dir);
    expect((await ensureCertificate(dir)).certPem).toBe(first.certPem);
    // An earlier version's certificate: bare CN=localhost, valid from 60 s before it was made.
    const keys = await crypto.subtle.generateKey(
      {
        name: "RSASSA-PKCS1-v1_5",
        hash: "SHA-256",
        publicExponent: new Uint8Array([1, 0, 1]),
        modulusLength: 2048,
      },
      true,
      ["sign", "verify"],
    );
    const old = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: "01",
      name: "CN=localhost",
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 300 * 24 * 3600_000),
      signingAlgorithm: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      keys,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: "dns", value: "localhost" },
          { type: "ip", value: "127.0.0.1" },
          { type: "ip", value: "::1" },
        ]),
      ],
    });
    writeFileSync(join(dir, "cert.pem"), old.toString("pem"));
    const renewed = await ensureCertificate(dir);
    expect(renewed.certPem).not.toBe(old.toString("pem"));
    expect(new X509Certificate(renewed.certPem).subject).toContain(SUBJECT_PREFIX);
  });
});
