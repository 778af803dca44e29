import { defineConfig } from "vitest/config";
import { REPORTING } from "../../vitest.shared.js";

// \`npm test\` in the runner: its unit tests (with the samples' tests) and its end-to-end tests, in one vitest
// process (one start-up instead of two); each project keeps its own files, timeouts and setup.
export default defineConfig({
  test: { maxWorkers: 2, projects: ["./vitest.config.ts", "./vitest.e2e.config.ts"], ...REPORTING },
});
