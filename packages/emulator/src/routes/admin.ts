/**
 * The emulator's own routes under `/_emulator/` (README "Emulator routes"): authenticated like the API, no
 * api-version, never targeted by faults.
 */
import { catalogue, fail } from "../catalogue.js";
import { jwks } from "../tokens.js";
import { bodyText } from "../wire.js";
import type { Answer, OperationContext, RouteModule } from "./types.js";

export const adminRoutes: RouteModule = {
  name: "admin",
  kind: "admin",
  routes: [
    { path: "/_emulator/state", operations: { GET: { name: "state", handle: state } } },
    {
      path: "/_emulator/validate-token",
      operations: { POST: { name: "validateToken", handle: validateToken } },
    },
    {
      path: "/_emulator/faults",
      operations: {
        POST: { name: "addFault", handle: addFault },
        DELETE: { name: "clearFaults", handle: clearFaults },
      },
    },
    { path: "/_emulator/reset", operations: { POST: { name: "reset", handle: reset } } },
    { path: "/_emulator/jwks.json", operations: { GET: { name: "jwks", handle: publicKeys } } },
  ],
};

/** `{"identities":[{"id","customId"?,"deleted","tokensIssued","lastTokenIssuedAt","revokedAt"}]}` (ISO strings or null). */
function state({ resource }: OperationContext): Answer {
  return {
    status: 200,
    body: {
      identities: resource.service.identityList().map((r) => ({
        id: r.id,
        ...(r.customId !== undefined ? { customId: r.customId } : {}),
        deleted: r.deleted,
        tokensIssued: r.tokensIssued,
        lastTokenIssuedAt: r.lastTokenIssuedAt === null ? null : new Date(r.lastTokenIssuedAt).toISOString(),
        revokedAt: r.revokedAt === null ? null : new Date(r.revokedAt).toISOString(),
      })),
    },
  };
}

async function validateToken({ json, resource }: OperationContext): Promise<Answer> {
  const input = json();
  if (typeof input.token !== "string") {
    fail(catalogue.adminValidation('The body must be {"token": "<access token>"}.', "token"));
  }
  return { status: 200, body: await resource.service.validateToken(input.token) };
}

function addFault({ request, resource }: OperationContext): Answer {
  let input: unknown;
  try {
    input = JSON.parse(bodyText(request.body));
  } catch {
    fail(catalogue.adminValidation("The fault must be a JSON object."));
  }
  try {
    resource.faults.add(input);
  } catch (e) {
    fail(catalogue.adminValidation((e as Error).message));
  }
  return { status: 200, body: { faults: resource.faults.list() } };
}

function clearFaults({ resource }: OperationContext): Answer {
  resource.faults.clear();
  return { status: 204 };
}

function reset({ resource }: OperationContext): Answer {
  resource.faults.clear();
  resource.service.reset();
  return { status: 204 };
}

function publicKeys({ resource }: OperationContext): Answer {
  return { status: 200, body: jwks(resource.service.signingKey) };
}
