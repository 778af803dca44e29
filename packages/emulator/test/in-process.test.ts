import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe } from "vitest";
import { emulatorHandlers } from "../src/in-process.js";
import { createEmulator, type Emulator } from "../src/index.js";
import { testSigningKey } from "../src/testing.js";
import { sdkContract } from "./contract.js";
import { recordedContract } from "./recorded.js";

const endpoint = "https://contoso-acs.communication.azure.com";
let emulator: Emulator;
const server = setupServer();

beforeAll(async () => {
  emulator = await createEmulator({ signingKey: await testSigningKey() });
  server.use(...emulatorHandlers(emulator, endpoint));
  server.listen({ onUnhandledRequest: "error" });
});
afterAll(() => server.close());

describe("real SDK against the in-process emulator (msw)", () => {
  sdkContract(() => ({
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${emulator.accessKey}`,
    accessKey: emulator.accessKey,
    resourceId: emulator.resourceId,
  }));
});

describe("the recorded 2025-03-02-preview interactions, in-process (msw)", () => {
  recordedContract(() => ({
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${emulator.accessKey}`,
    accessKey: emulator.accessKey,
    resourceId: emulator.resourceId,
    wire: false,
  }));
});
