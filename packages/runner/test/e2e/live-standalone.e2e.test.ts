import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startStandaloneEmulator } from "@acs-quickstart/emulator/server";
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
    const project = freshStateDir();
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "learner", workspaces: [] }));
    writeFileSync(
      join(project, ".env"),
      `COMMUNICATION_SERVICES_CONNECTION_STRING=${server.connectionString}\nNODE_EXTRA_CA_CERTS=${server.caPath}\n`,
    );
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
});
