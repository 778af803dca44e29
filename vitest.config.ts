import { defineConfig } from "vitest/config";

// One root config, one project per area. Run one with `npx vitest run --project emulator`.
export default defineConfig({
  test: {
    // Tests must never talk to a real resource, whatever the developer's shell or .env says.
    restoreMocks: true,
    // Generous: a cold clone on 2 busy cores is several times slower than a warm laptop.
    testTimeout: 20_000,
    // Most tests wait on child processes, sockets and timers rather than compute: two workers on a 2-core
    // machine (vitest's default there is one) take the suite from ~80 s to ~50 s. Three were seen to flake
    // under heavy load.
    maxWorkers: 2,
    // Each worker keeps its loaded modules (the SDK, msw) from one test file to the next instead of loading
    // them again: ~20 s less CPU. Every file starts and stops its own msw server and restores its mocks.
    isolate: false,
    env: {
      COMMUNICATION_SERVICES_CONNECTION_STRING: "",
      COMMUNICATION_SERVICES_ENDPOINT: "",
      COMMUNICATION_SERVICES_ACCESS_KEY: "",
    },
    projects: [
      { extends: true, test: { name: "common", include: ["packages/common/test/**/*.test.ts"] } },
      { extends: true, test: { name: "emulator", include: ["packages/emulator/test/**/*.test.ts"] } },
      { extends: true, test: { name: "core", include: ["packages/core/test/**/*.test.ts"] } },
      { extends: true, test: { name: "samples", include: ["samples/*/test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "quickstart", include: ["scripts/test/**/*.test.ts"], testTimeout: 60_000 },
      },
    ],
  },
});
