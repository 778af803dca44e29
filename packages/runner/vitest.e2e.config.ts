import { project } from "../../vitest.shared.js";

// Whole runs as child processes (through scripts/launch.mjs, as `npm run quickstart`): apart from the unit tests.
export default project("e2e", {
  include: ["test/e2e/**/*.test.ts"],
  globalSetup: ["test/e2e/warm-bundle.ts"],
  testTimeout: 60_000,
});
