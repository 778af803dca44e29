import { STEPS } from "@acs-quickstart/runner";
import { describe, expect, it } from "vitest";
import { captureOutputs } from "../src/capture.js";
import { checkDocs } from "../src/check.js";
import { REPO_ROOT } from "../src/cli.js";

describe("the real repository", () => {
  it("one real run of the quickstart agrees with the pages' output blocks", async () => {
    const captured = await captureOutputs(REPO_ROOT);
    for (const { id } of STEPS) expect(captured.steps[id]?.length, id).toBeGreaterThan(0);
    expect(captured.quickstart[0]).toContain("Mode: emulator");
    expect(captured.quickstart.join("\n")).toContain("(state in .quickstart/)");
    const result = await checkDocs({ root: REPO_ROOT, steps: STEPS, outputs: captured });
    expect(result.problems).toEqual([]);
  });
});
