/**
 * The Node.js version gate of scripts/launch.mjs: on a Node.js older than the project supports, one line
 * naming the version found and exit 2, before anything loads (the real old Node.js lines are started in
 * scripts/test-node-lines.sh, which CI runs).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MINIMUM_NODE, nodeTooOld } from "../../../scripts/node-version.mjs";

const ROOT = join(import.meta.dirname, "..", "..", "..");

describe("the Node.js version gate", () => {
  it.each(["18.20.8", "v18.20.8", "16.20.2", "20.0.0", "20.18.3", "19.9.0", "14.21.3"])(
    "refuses %s in one line naming it and the minimum",
    (version) => {
      const message = nodeTooOld(version) as string;
      expect(message).toContain("needs Node.js 20.19 or later");
      expect(message).toContain(`(found ${version})`);
      expect(message).not.toContain("\n");
    },
  );

  it.each(["20.19.0", "20.20.1", "21.0.0", "22.12.0", "24.1.0", "30.0.0"])("accepts %s", (version) => {
    expect(nodeTooOld(version)).toBeUndefined();
  });

  it("is the minimum every package.json declares in engines", () => {
    const manifests = ["package.json"];
    for (const group of ["packages", "samples"]) {
      for (const name of readdirSync(join(ROOT, group))) manifests.push(join(group, name, "package.json"));
    }
    manifests.push("scripts/package.json", "bench/package.json");
    for (const manifest of manifests) {
      const { engines } = JSON.parse(readFileSync(join(ROOT, manifest), "utf8"));
      expect(engines?.node, manifest).toBe(`>=${MINIMUM_NODE}`);
    }
  });
});
