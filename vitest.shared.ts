/**
 * What every package's vitest project shares. Each package has a `vitest.config.ts` that calls
 * {@link project}; the root `vitest.config.ts` lists them all (`npx vitest` at the root runs everything),
 * and `npm test` runs each package's own `test` task through turbo.
 */
import { fileURLToPath } from "node:url";
import { defineProject, type UserWorkspaceConfig } from "vitest/config";

type TestOptions = NonNullable<UserWorkspaceConfig["test"]>;

const TMPDIR_SETUP = fileURLToPath(new URL("./vitest.tmpdir.ts", import.meta.url));

export function project(name: string, { globalSetup, ...test }: TestOptions = {}): UserWorkspaceConfig {
  return defineProject({
    test: {
      name,
      include: ["test/**/*.test.ts"],
      // Tests must never talk to a real resource, whatever the developer's shell or .env says.
      env: {
        COMMUNICATION_SERVICES_CONNECTION_STRING: "",
        COMMUNICATION_SERVICES_ENDPOINT: "",
        COMMUNICATION_SERVICES_ACCESS_KEY: "",
      },
      restoreMocks: true,
      // Temporary files in one folder per run, removed at its end (vitest.tmpdir.ts).
      globalSetup: [TMPDIR_SETUP, ...(globalSetup === undefined ? [] : [globalSetup].flat())],
      // Generous: a cold clone on 2 busy cores is several times slower than a warm laptop.
      testTimeout: 20_000,
      // Set-up that makes keys (a certificate, a signing key) or starts servers: as generous.
      hookTimeout: 20_000,
      // Each worker keeps its loaded modules (the SDK, msw) from one test file to the next instead of loading
      // them again. Every file starts and stops its own msw server and restores its mocks.
      isolate: false,
      // Most tests wait on child processes, sockets and timers rather than compute: two workers on 2 cores
      // (vitest's default there is one) take a package's tests from 20 s to 13 s.
      maxWorkers: 2,
      // When this project is the root (`npm test` in its folder, through turbo), a count of its tests for the
      // root's `npm test` to report (scripts/test.mjs), also when turbo replays the task from its cache.
      ...REPORTING,
      ...test,
    },
  });
}

/**
 * Reporters for a package's own vitest run: the usual output, and the counts in `.vitest/results.json` (or
 * `.vitest/<suite>-results.json` for a task of its own, such as the emulator's browser tests).
 */
export function reporting(suite?: string): TestOptions {
  const outputFile = `.vitest/${suite ? `${suite}-` : ""}results.json`;
  return { reporters: ["default", ["json", { outputFile }]] } as unknown as TestOptions;
}

export const REPORTING = reporting();
