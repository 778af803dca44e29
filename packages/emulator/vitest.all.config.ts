import { defineConfig } from "vitest/config";

// `npm test` in the emulator: its tests, then the dashboard's browser tests, in one vitest process.
export default defineConfig({
  test: { maxWorkers: 2, projects: ["./vitest.config.ts", "./vitest.browser.config.ts"] },
});
