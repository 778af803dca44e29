import { defineConfig } from "vitest/config";

// Every package's own project (each package's `npm test` runs only its own). `npx vitest run` here runs them
// all; `npx vitest run --project core` runs one.
export default defineConfig({
  test: {
    // Most tests wait on child processes, sockets and timers rather than compute: two workers on 2 cores.
    maxWorkers: 2,
    projects: ["packages/*/vitest*.config.ts", "samples/*/vitest.config.ts"],
  },
});
