import { defineConfig } from "vitest/config";

// Every package's own project. \`npx vitest run\` here runs them all; \`npx vitest run --project core\` runs one.
// The samples' tests belong to the runner's project (its vitest.config.ts); a sample's own config is for
// \`npm test\` in that sample's folder.
export default defineConfig({
  test: {
    // Most tests wait on child processes, sockets and timers rather than compute: two workers on 2 cores.
    maxWorkers: 2,
    projects: [
      "packages/*/vitest.config.ts",
      "packages/runner/vitest.e2e.config.ts",
      "packages/emulator/vitest.browser.config.ts",
    ],
  },
});
