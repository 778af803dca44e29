/**
 * Secrets in a whole run: the access key never appears, in any output; an access token appears whole only
 * with --show-secrets.
 */
import { maskToken } from "@acs-quickstart/core";
import { expect, it } from "vitest";
import { JWT, NO_STACK, runInProcess } from "./helpers/in-process.js";

it("the whole quickstart with a known key: the key never appears; no whole token without --show-secrets", async () => {
  const accessKey = Buffer.from("a known emulator access key for the secrets test").toString("base64");
  const env = { ACS_EMULATOR_ACCESS_KEY: accessKey };
  // In sequence: runs in one process must not overlap.
  const plain = await runInProcess(["--pause"], { env });
  const failing = await runInProcess([], {
    env: {
      ...env,
      ACS_EMULATOR_FAULTS: JSON.stringify([{ operation: "revokeAccessTokens", status: 401, times: 1 }]),
    },
  });
  const shown = await runInProcess(["--show-secrets", "--step", "create-identity-and-token"], { env });
  expect(plain.code, plain.stderr).toBe(0);
  expect(failing.code).toBe(1);
  expect(shown.code).toBe(0);
  for (const run of [plain, failing]) {
    const output = `${run.stdout}${run.stderr}`;
    expect(output).toMatch(/eyJ[\w-]{9}… \(\d+ characters\)/);
    expect(output).not.toMatch(JWT);
    expect(output).not.toContain(accessKey);
    expect(output).not.toContain(accessKey.replace(/=+$/, ""));
    expect(output).not.toMatch(NO_STACK);
  }
  expect(shown.stdout).toMatch(JWT);
  expect(`${shown.stdout}${shown.stderr}`).not.toContain(accessKey);
  // --show-secrets was for that run only: masking is the default again for whatever runs next in this process.
  expect(maskToken("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")).toMatch(/… \(\d+ characters\)$/);
});
