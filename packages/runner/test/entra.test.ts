/** Microsoft Entra ID: an endpoint without a key signs in with DefaultAzureCredential and sends bearer tokens. */
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startOfflineEntra } from "./helpers/entra.js";
import { runInProcess, seededDir, summary } from "./helpers/in-process.js";

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("Microsoft Entra ID", () => {
  it("runs every step with a bearer token from a service principal, offline", async () => {
    const stateDir = await seededDir();
    const endpoint = "https://contoso-entra.communication.azure.com/";
    const principal = {
      AZURE_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
      AZURE_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
      AZURE_CLIENT_SECRET: "a-client-secret-that-must-not-be-printed",
    };
    // DefaultAzureCredential reads the service principal from process.env (as from .env in a real run).
    for (const [name, value] of Object.entries(principal)) vi.stubEnv(name, value);
    const entra = await startOfflineEntra(endpoint, join(stateDir, "emulator-state.json"));
    try {
      const run = await runInProcess(["--json"], {
        env: { ACS_QUICKSTART_STATE_DIR: stateDir, COMMUNICATION_SERVICES_ENDPOINT: endpoint, ...principal },
      });
      expect(run.code, run.stderr).toBe(0);
      expect(summary(run)).toMatchObject({ ok: true, mode: "live", steps: 6, leftoverIdentities: 0 });
      expect(run.stderr).toContain("Microsoft Entra ID");
      expect(entra.log).toContainEqual(
        expect.objectContaining({
          kind: "entra-token",
          scope: expect.stringContaining("https://communication.azure.com//.default"),
        }),
      );
      const schemes = new Set(entra.log.flatMap((e) => (e.kind === "acs" ? [e.authorization] : [])));
      expect([...schemes]).toEqual(["Bearer"]);
      expect(`${run.stdout}${run.stderr}`).not.toContain("a-client-secret-that-must-not-be-printed");
    } finally {
      await entra.close();
    }
  });
});
