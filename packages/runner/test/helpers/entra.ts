/**
 * Microsoft Entra ID, offline: msw answers the Entra ID token endpoint (and its discovery documents) and
 * serves an emulator at the resource's endpoint, in this process. Each token request and each Authorization
 * scheme the emulator sees is logged.
 */
import { createEmulator } from "@acs-quickstart/emulator";
import { emulatorHandlers } from "@acs-quickstart/emulator/in-process";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";

const LOGIN = "https://login.microsoftonline.com";
const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export type EntraLogEntry =
  | { kind: "entra-token"; tenant: string; scope: string | null; clientId: string | null }
  | { kind: "acs"; authorization: string | undefined };

export async function startOfflineEntra(endpoint: string, stateFile: string) {
  const log: EntraLogEntry[] = [];
  const emulator = await createEmulator({ stateFile });
  const server = setupServer(
    http.all(`${endpoint.replace(/\/$/, "")}/*`, ({ request }) => {
      log.push({ kind: "acs", authorization: request.headers.get("authorization")?.split(" ")[0] });
    }),
    ...emulatorHandlers(emulator, endpoint),
    http.get(`${LOGIN}/common/discovery/instance`, () =>
      HttpResponse.json({
        tenant_discovery_endpoint: `${LOGIN}/common/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [
          {
            preferred_network: "login.microsoftonline.com",
            preferred_cache: "login.windows.net",
            aliases: ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com"],
          },
        ],
      }),
    ),
    http.get(`${LOGIN}/:tenant/v2.0/.well-known/openid-configuration`, ({ params }) =>
      HttpResponse.json({
        token_endpoint: `${LOGIN}/${params.tenant}/oauth2/v2.0/token`,
        authorization_endpoint: `${LOGIN}/${params.tenant}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${LOGIN}/${params.tenant}/oauth2/v2.0/logout`,
        issuer: `${LOGIN}/${params.tenant}/v2.0`,
        jwks_uri: `${LOGIN}/${params.tenant}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
      }),
    ),
    http.post(`${LOGIN}/:tenant/oauth2/v2.0/token`, async ({ request, params }) => {
      const form = new URLSearchParams(await request.text());
      log.push({
        kind: "entra-token",
        tenant: String(params.tenant),
        scope: form.get("scope"),
        clientId: form.get("client_id"),
      });
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        aud: "https://communication.azure.com",
        iat: now,
        exp: now + 3600,
        tid: params.tenant,
      };
      return HttpResponse.json({
        token_type: "Bearer",
        expires_in: 3600,
        ext_expires_in: 3600,
        access_token: `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.`,
      });
    }),
  );
  server.listen({ onUnhandledRequest: "error" });
  return {
    log,
    close: async () => {
      server.close();
      await emulator.close();
    },
  };
}
