import { execFileSync } from "node:child_process";
import { webcrypto } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
import * as x509 from "@peculiar/x509";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStateDir, spawnQuickstart } from "../helpers/spawn.js";

// The standalone emulator over HTTPS, configured only in a project's .env, as a learner would.
let server: Awaited<ReturnType<typeof startStandaloneEmulator>>;

beforeAll(async () => {
  server = await startStandaloneEmulator({ port: 0, stateDir: freshStateDir() });
});
afterAll(() => server?.close());

describe("live mode against the standalone emulator, from a learner's own project folder", () => {
  it("works with the lines --env-file writes put in a project's .env, certificate included", async () => {
    // A folder with its own package.json and .env, as a learner's clone would be: nothing in the shell.
    const project = learnerProject();
    const env = { ACS_QUICKSTART_STATE_DIR: freshStateDir(), ACS_QUICKSTART_RETRY_DELAY_MS: "5" };
    const run = await spawnQuickstart(["--json", "--step", "create-identity-and-token"], {
      env,
      cwd: project,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.events.find((e) => e.event === "summary")).toMatchObject({ ok: true, mode: "live" });
  });

  it("a proxy for everything and NO_PROXY naming the emulator's host (the workshop's case): the run goes straight there", async () => {
    const run = await spawnQuickstart(["--json", "--step", "create-identity"], {
      env: {
        ACS_QUICKSTART_STATE_DIR: freshStateDir(),
        COMMUNICATION_SERVICES_CONNECTION_STRING: server.connectionString,
        NODE_EXTRA_CA_CERTS: server.caPath,
        HTTPS_PROXY: "http://127.0.0.1:9",
        NO_PROXY: "localhost, 127.0.0.1",
      },
    });
    expect(run.code, run.stderr).toBe(0);
  });

  it("the workshop flow: a shell NODE_EXTRA_CA_CERTS (a bundle with another self-signed CN=localhost) and .env naming the emulator's certificate: both trusted, said in one line", async () => {
    const project = learnerProject();
    const bundle = join(project, "company-bundle.pem");
    const system = "/etc/ssl/certs/ca-certificates.crt";
    writeFileSync(
      bundle,
      `${existsSync(system) ? readFileSync(system, "utf8") : ""}\n${await otherLocalhostCertificate()}`,
    );
    const run = await spawnQuickstart(["--json", "--step", "create-identity"], {
      env: { ACS_QUICKSTART_STATE_DIR: freshStateDir(), NODE_EXTRA_CA_CERTS: bundle },
      cwd: project,
    });
    expect(run.code, run.stderr).toBe(0);
    const notices = run.events.filter((e) => e.event === "notice");
    expect(notices).toEqual([
      expect.objectContaining({
        kind: "shadowed-variable",
        variable: "NODE_EXTRA_CA_CERTS",
        message: `NODE_EXTRA_CA_CERTS is set in the shell (${bundle}) and differently in ${join(project, ".env")} (${server.caPath}): both certificates are trusted.`,
      }),
    ]);
    expect(run.stderr).toContain("Note: NODE_EXTRA_CA_CERTS is set in the shell");
  });

  it.skipIf(!HAS_FAKETIME)(
    "a clock five minutes behind (faketime) against a freshly started emulator: the certificate and the signature are accepted",
    async () => {
      const fresh = await startStandaloneEmulator({ port: 0, stateDir: freshStateDir() });
      try {
        const run = await spawnQuickstart(["--json", "--step", "create-identity"], {
          env: {
            ACS_QUICKSTART_STATE_DIR: freshStateDir(),
            COMMUNICATION_SERVICES_CONNECTION_STRING: fresh.connectionString,
            NODE_EXTRA_CA_CERTS: fresh.caPath,
          },
          through: ["faketime", "-f", "-5m"],
        });
        expect(run.code, run.stderr).toBe(0);
      } finally {
        await fresh.close();
      }
    },
  );
});

const HAS_FAKETIME = (() => {
  try {
    execFileSync("faketime", ["-f", "+0", "true"], { stdio: "ignore" });
    return true;
  } catch {
    if (process.env.CI) throw new Error("faketime is needed for the clock test: apt-get install -y faketime");
    return false;
  }
})();

/** A folder with its own package.json and .env (the emulator's two lines), as a learner's clone would be. */
function learnerProject(): string {
  const project = freshStateDir();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "learner", workspaces: [] }));
  writeFileSync(
    join(project, ".env"),
    `COMMUNICATION_SERVICES_CONNECTION_STRING=${server.connectionString}\nNODE_EXTRA_CA_CERTS=${server.caPath}\n`,
  );
  return project;
}

/** Another self-signed certificate with the bare subject CN=localhost, as many local development tools make. */
async function otherLocalhostCertificate(): Promise<string> {
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
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: "0a",
      name: "CN=localhost",
      notBefore: new Date(Date.now() - 3600_000),
      notAfter: new Date(Date.now() + 30 * 24 * 3600_000),
      signingAlgorithm: algorithm,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.SubjectAlternativeNameExtension([
          { type: "dns", value: "localhost" },
          { type: "ip", value: "127.0.0.1" },
        ]),
      ],
    },
    webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1],
  );
  return cert.toString("pem");
}
