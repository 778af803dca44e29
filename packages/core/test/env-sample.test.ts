import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
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

  it("its examples, pasted with their placeholders, are refused as placeholders naming the variable", () => {
    // The comment lines that show a value's shape: `endpoint=https://<your-resource>…` and `https://<your-resource>…`.
    const examples = readFileSync(sample, "utf8")
      .split(/\r?\n/)
      .flatMap((line) => /^#.*?((?:endpoint=)?https:\/\/\S*<[^>]+>\S*)/.exec(line)?.[1] ?? []);
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) {
      const variable = example.startsWith("endpoint=")
        ? "COMMUNICATION_SERVICES_CONNECTION_STRING"
        : "COMMUNICATION_SERVICES_ENDPOINT";
      const attempt = () => loadConfig({ env: { [variable]: example }, envFile: false });
      expect(attempt, example).toThrow(ConfigError);
      expect(attempt, example).toThrow(/looks like the placeholder from \.env\.sample/);
      expect(attempt, example).toThrow(variable);
    }
  });
});
