import { X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { describe, expect, it } from "vitest";
import { ensureCertificate } from "../src/certificate.js";
import { parseCliArgs } from "../src/cli-args.js";
import { startStandaloneEmulator } from "../src/server.js";

// A shared emulator for a workshop room: learners reach it by a name or address other than 127.0.0.1.
// Tests stay on loopback addresses (127.0.0.0/8) only.
describe("a standalone emulator for a room", () => {
  it("puts the public host in the connection string and the certificate, and the SDK connects through it", async () => {
    const room = await startStandaloneEmulator({
      host: "127.0.0.2",
      publicHost: "127.0.0.2",
      port: 0,
      stateDir: mkdtempSync(join(tmpdir(), "acs-room-")),
    });
    try {
      expect(room.url).toMatch(/^https:\/\/127\.0\.0\.2:\d+$/);
      expect(room.connectionString).toMatch(/^endpoint=https:\/\/127\.0\.0\.2:\d+\/;accesskey=/);
      const cert = new X509Certificate(room.caPem);
      expect(cert.checkIP("127.0.0.2")).toBe("127.0.0.2");
      expect(cert.checkHost("localhost")).toBe("localhost");
      const client = new CommunicationIdentityClient(room.connectionString, {
        tlsOptions: { ca: room.caPem },
      });
      const { user } = await client.createUserAndToken(["voip"]);
      expect(user.communicationUserId).toMatch(/^8:acs:/);
    } finally {
      await room.close();
    }
  });

  it("keeps the certificate while it covers every name, and makes a new one when a name is added", async () => {
    const dir = mkdtempSync(join(tmpdir(), "acs-room-cert-"));
    const first = await ensureCertificate(dir, Date.now(), ["trainer-laptop"]);
    const again = await ensureCertificate(dir, Date.now(), ["trainer-laptop"]);
    expect(again.certPem).toBe(first.certPem);
    const renewed = await ensureCertificate(dir, Date.now(), ["trainer-laptop", "10.1.2.3"]);
    expect(renewed.certPem).not.toBe(first.certPem);
    const cert = new X509Certificate(renewed.certPem);
    expect(cert.checkHost("trainer-laptop")).toBe("trainer-laptop");
    expect(cert.checkIP("10.1.2.3")).toBe("10.1.2.3");
    expect(cert.checkIP("127.0.0.1")).toBe("127.0.0.1");
  });

  it("--public-host is read and checked", () => {
    expect(parseCliArgs(["--host", "0.0.0.0", "--public-host", "trainer.local"])).toMatchObject({
      host: "0.0.0.0",
      publicHost: "trainer.local",
    });
    expect(() => parseCliArgs(["--public-host", "https://trainer.local/"])).toThrow(
      /--public-host must be a host name/,
    );
  });
});
