/**
 * What each workshop entry loads: `npm run token` must work while a learner's exercise does not compile, so its
 * bundle holds no sample (and not the runner, whose registry imports every sample); `npm run exercise` holds them
 * all (the control that shows this test sees what an entry loads).
 */
import { repoRoot } from "@acs-quickstart/common";
import { build, type Plugin } from "esbuild";
import { describe, expect, it } from "vitest";

const ROOT = repoRoot(import.meta.dirname);

/** Our workspace packages are followed; every other package stays outside, as scripts/launch-bundled.mjs does. */
const onlyOurs: Plugin = {
  name: "only-ours",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@acs-quickstart/") ? undefined : { path: args.path, external: true },
    );
  },
};

/** The files of the repository an entry's bundle is made of, from the root. */
async function inputs(entry: string): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "node",
    conditions: [],
    logLevel: "silent",
    plugins: [onlyOurs],
  });
  return Object.keys(metafile.inputs); // paths from absWorkingDir, the root
}

describe("the entries' bundles", () => {
  it("npm run token loads no sample and not the runner: a sample that does not compile cannot stop it", async () => {
    const files = await inputs("scripts/token.ts");
    expect(files).toContain("packages/workshop/src/token/inspect.ts");
    expect(
      files.filter((file) => file.startsWith("samples/") || file.startsWith("packages/runner/")),
    ).toEqual([]);
  });

  it("npm run exercise loads the samples, through the runner's registry", async () => {
    const files = await inputs("scripts/exercise.ts");
    expect(files).toContain("packages/runner/src/steps.ts");
    expect(files.some((file) => file.startsWith("samples/"))).toBe(true);
  });
});
