/**
 * Transport 1: msw wiring of the one handler for an https endpoint (tests, offline runner).
 * No TLS and no network: msw intercepts node:http(s) ClientRequest, fetch and XMLHttpRequest.
 */
import { HttpResponse, http, type RequestHandler } from "msw";
import { setupServer } from "msw/node";
import { createEmulator, type Emulator, type EmulatorOptions } from "./emulator.js";

export const DEFAULT_IN_PROCESS_ENDPOINT = "https://acs-emulator.localhost";

/** msw handlers serving every request to `endpoint` (its origin) with the emulator. */
export function emulatorHandlers(emulator: Emulator, endpoint: string): RequestHandler[] {
  const origin = new URL(endpoint).origin;
  const pattern = new RegExp(`^${origin.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(/.*)?$`);
  return [
    http.all(pattern, async ({ request }) => {
      const response = await emulator.handle(request);
      return response.type === "error" ? HttpResponse.error() : response;
    }),
  ];
}

export interface InProcessEmulator {
  emulator: Emulator;
  endpoint: string;
  connectionString: string;
  close(): Promise<void>;
}

/**
 * Starts an emulator served in-process by msw. Only one msw server should be listening per process:
 * to combine with other mocks, use `emulatorHandlers()` in your own `setupServer()`.
 */
export async function startInProcessEmulator(
  opts: EmulatorOptions & { endpoint?: string; onUnhandledRequest?: "bypass" | "error" } = {},
): Promise<InProcessEmulator> {
  const { endpoint: given, onUnhandledRequest, ...options } = opts;
  const endpoint = (given ?? DEFAULT_IN_PROCESS_ENDPOINT).replace(/\/+$/, "");
  if (new URL(endpoint).protocol !== "https:") {
    throw new Error(
      `The in-process endpoint must be https:// (the SDK refuses http without TLS): ${endpoint}`,
    );
  }
  const emulator = await createEmulator(options);
  const server = setupServer(...emulatorHandlers(emulator, endpoint));
  server.listen({ onUnhandledRequest: onUnhandledRequest ?? "bypass" });
  return {
    emulator,
    endpoint,
    connectionString: `endpoint=${endpoint}/;accesskey=${emulator.accessKey}`,
    close: async () => {
      server.close();
      await emulator.close();
    },
  };
}
