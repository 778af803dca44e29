import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { repoRoot } from "../src/index.js";

describe(".env.sample", () => {
  const sample = path.join(repoRoot(), ".env.sample");

  it("copied as it is, means nothing is configured (the emulator is used)", () => {
    const env: NodeJS.ProcessEnv = {};
    expect(loadConfig({ env, envFile: sample })).toBeUndefined();
    expect(Object.keys(env).sort()).toEqual([
      "ACS_QUICKSTART_STATE_DIR",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "AZURE_TENANT_ID",
      "COMMUNICATION_SERVICES_ACCESS_KEY",
      "COMMUNICATION_SERVICES_CONNECTION_STRING",
      "COMMUNICATION_SERVICES_ENDPOINT",
    ]);
    expect(Object.values(env).every((value) => value === "")).toBe(true);
  });
});
