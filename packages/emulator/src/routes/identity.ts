/**
 * The ACS Identity API routes: identities, access tokens, the Teams user exchange. Request validation per
 * api-version lives here; the model (no HTTP) is ../service.ts. Sources: ../shared/reference/acs-identity-api.md
 * and the recordings named in the README.
 */
import { decodeJwt } from "jose/jwt/decode";
import {
  API_VERSIONS,
  GET_IDENTITY_API_VERSIONS,
  SUPPORTED_VERSIONS_HEADER,
  TEAMS_API_VERSIONS,
} from "../api-versions.js";
import {
  CUSTOM_ID_MAX_LENGTH,
  catalogue,
  EXPIRES_IN_MINUTES_MAX,
  EXPIRES_IN_MINUTES_MIN,
  fail,
} from "../catalogue.js";
import type { OperationFacts } from "../journal.js";
import type { IdentityRecord, IdentityService } from "../service.js";
import { formatLastTokenIssuedAt } from "../tokens.js";
import type { Answer, OperationContext, RouteModule } from "./types.js";

const BASE_SCOPES = ["chat", "voip"];
const JOIN_SCOPES = ["chat.join", "chat.join.limited", "voip.join"];
const DEFAULT_EXPIRES_IN_MINUTES = 1440;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What each api-version changes (rules are looked up by the version serving the request). */
const since = (version: string | undefined, first: string) => (version ?? "") >= first;
const hasExpiresInMinutes = (v: string | undefined) => since(v, "2022-10-01");
const hasJoinScopes = (v: string | undefined) => since(v, "2023-10-01");
const hasCustomId = (v: string | undefined) => since(v, "2025-03-02-preview");

export const identityRoutes: RouteModule = {
  name: "identity",
  kind: "api",
  routes: [
    {
      path: "/identities",
      supportedVersions: SUPPORTED_VERSIONS_HEADER.identities,
      operations: { POST: { name: "createIdentity", versions: API_VERSIONS, handle: createIdentity } },
    },
    {
      path: "/identities/{id}",
      supportedVersions: SUPPORTED_VERSIONS_HEADER.identities,
      operations: {
        DELETE: { name: "deleteIdentity", versions: API_VERSIONS, handle: deleteIdentity },
        GET: { name: "getIdentity", versions: GET_IDENTITY_API_VERSIONS, handle: getIdentity },
      },
    },
    {
      path: "/identities/{id}/:issueAccessToken",
      supportedVersions: SUPPORTED_VERSIONS_HEADER.issueAccessToken,
      operations: { POST: { name: "issueAccessToken", versions: API_VERSIONS, handle: issueAccessToken } },
    },
    {
      path: "/identities/{id}/:revokeAccessTokens",
      supportedVersions: SUPPORTED_VERSIONS_HEADER.identities,
      operations: {
        POST: { name: "revokeAccessTokens", versions: API_VERSIONS, handle: revokeAccessTokens },
      },
    },
    {
      path: "/teamsUser/:exchangeAccessToken",
      supportedVersions: SUPPORTED_VERSIONS_HEADER.teamsUser,
      operations: {
        POST: { name: "exchangeTeamsToken", versions: TEAMS_API_VERSIONS, handle: exchangeTeamsToken },
      },
    },
  ],
};

/**
 * `POST /identities`: 201 `{"identity":{…}}`, plus `"accessToken"` when `createTokenWithScopes` is given.
 * From 2025-03-02-preview, `customId` (1..256 characters) returns the identity already tagged with it, if any, and
 * still answers 201 (recorded; the spec says 200). The identity is shown as found or created, before this call's
 * token (recorded: a new identity with a token has no `lastTokenIssuedAt`).
 */
async function createIdentity({ json, apiVersion, resource, note }: OperationContext): Promise<Answer> {
  const input = json();
  note(askedFor(input.createTokenWithScopes, input.expiresInMinutes));
  const customId = hasCustomId(apiVersion) ? optionalCustomId(input.customId) : undefined;
  const scopes = optionalScopes(input.createTokenWithScopes, apiVersion);
  const minutes = scopes ? expiresInMinutes(input.expiresInMinutes, apiVersion) : undefined;
  const record = resource.service.createIdentity(customId);
  note({ identity: record.id });
  const identity = identityView(record, apiVersion);
  if (!scopes || minutes === undefined) return { status: 201, body: { identity } };
  const { token, expiresOn } = await resource.service.issueAccessToken(record.id, scopes, minutes);
  note({ accessToken: token });
  return { status: 201, body: { identity, accessToken: { token, expiresOn } } };
}

/** `GET /identities/{id}` (2025-03-02-preview): 200 `{"customId"?,"lastTokenIssuedAt"?,"id"}`, flat (recorded). */
function getIdentity({ params, apiVersion, resource }: OperationContext): Answer {
  return { status: 200, body: identityView(resource.service.ownedIdentity(params.id ?? ""), apiVersion) };
}

/** `POST /identities/{id}/:issueAccessToken`: 200 `{"token","expiresOn"}`. */
async function issueAccessToken({
  params,
  json,
  apiVersion,
  resource,
  note,
}: OperationContext): Promise<Answer> {
  const id = params.id ?? "";
  note({ identity: id });
  resource.service.ownedIdentity(id);
  const input = json();
  note(askedFor(input.scopes, input.expiresInMinutes));
  if (input.scopes === undefined || input.scopes === null) fail(catalogue.scopesMissing());
  const scopes = requiredScopes(input.scopes, apiVersion, "scopes");
  const minutes = expiresInMinutes(input.expiresInMinutes, apiVersion);
  const { token, expiresOn } = await resource.service.issueAccessToken(id, scopes, minutes);
  note({ accessToken: token });
  return { status: 200, body: { token, expiresOn } };
}

/** `POST /identities/{id}/:revokeAccessTokens`: 204. */
function revokeAccessTokens({ params, resource, note }: OperationContext): Answer {
  note({ identity: params.id ?? "" });
  resource.service.revokeAccessTokens(params.id ?? "");
  return { status: 204 };
}

/** `DELETE /identities/{id}`: 204. */
function deleteIdentity({ params, resource, note }: OperationContext): Answer {
  note({ identity: params.id ?? "" });
  resource.service.deleteIdentity(params.id ?? "");
  return { status: 204 };
}

/** `POST /teamsUser/:exchangeAccessToken`: 200 `{"token","expiresOn"}`. */
async function exchangeTeamsToken({ json, resource, note }: OperationContext): Promise<Answer> {
  const { token, expiresOn } = await exchange(resource.service, json(), resource.settings.now());
  note({ accessToken: token });
  return { status: 200, body: { token, expiresOn } };
}

/** The journal's facts of what a request asked for, as sent: scopes (a list of strings) and a lifetime (a number). */
function askedFor(scopes: unknown, minutes: unknown): OperationFacts {
  return {
    ...(Array.isArray(scopes) && scopes.every((s) => typeof s === "string") ? { scopes: [...scopes] } : {}),
    ...(typeof minutes === "number" ? { expiresInMinutes: minutes } : {}),
  };
}

/**
 * An identity as the service writes it, keys in the recorded order: `customId` and `lastTokenIssuedAt` (seconds,
 * `+00:00`) only from 2025-03-02-preview and only when set, then `id`.
 */
function identityView(record: IdentityRecord, apiVersion: string | undefined): Record<string, string> {
  if (!hasCustomId(apiVersion)) return { id: record.id };
  return {
    ...(record.customId !== undefined ? { customId: record.customId } : {}),
    ...(record.lastTokenIssuedAt !== null
      ? { lastTokenIssuedAt: formatLastTokenIssuedAt(record.lastTokenIssuedAt) }
      : {}),
    id: record.id,
  };
}

function optionalCustomId(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") fail(catalogue.invalidBody('"customId" must be a string.', "CustomId"));
  if (value.length < 1 || value.length > CUSTOM_ID_MAX_LENGTH) fail(catalogue.customIdLength());
  return value;
}

function scopesFor(version: string | undefined): string[] {
  return hasJoinScopes(version) ? [...BASE_SCOPES, ...JOIN_SCOPES] : BASE_SCOPES;
}

function requiredScopes(value: unknown, version: string | undefined, target: string): string[] {
  if (!Array.isArray(value)) fail(catalogue.invalidBody(`"${target}" must be an array of scopes.`, target));
  if (value.length === 0) fail(catalogue.scopesEmpty(target));
  const allowed = scopesFor(version);
  for (const scope of value) {
    if (typeof scope !== "string" || !allowed.includes(scope))
      fail(catalogue.scopeUnknown(String(scope), target));
  }
  return [...new Set(value as string[])];
}

function optionalScopes(value: unknown, version: string | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return requiredScopes(value, version, "createTokenWithScopes");
}

/** `expiresInMinutes` from 2022-10-01; ignored (the default applies) by older api-versions. */
function expiresInMinutes(value: unknown, version: string | undefined): number {
  if (!hasExpiresInMinutes(version) || value === undefined || value === null)
    return DEFAULT_EXPIRES_IN_MINUTES;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    fail(
      catalogue.invalidBody('"expiresInMinutes" must be an integer number of minutes.', "ExpiresInMinutes"),
    );
  }
  if (value < EXPIRES_IN_MINUTES_MIN || value > EXPIRES_IN_MINUTES_MAX) {
    fail(catalogue.expiresInMinutesOutOfRange(value));
  }
  return value;
}

/**
 * The Microsoft Entra resource of Communication Services' Teams exchange: its service principal names, as an
 * access token's `aud` carries them (the URI in v1 tokens, the application id in v2 tokens). Microsoft's "Set up
 * and manage access tokens for Teams users" asks for `https://auth.msft.communication.azure.com/Teams.ManageCalls`
 * and `…/Teams.ManageChats`; the first-party application "Azure Communication Services" is
 * 1fd5118e-2576-4263-8130-9503064c837a.
 */
export const TEAMS_EXCHANGE_AUDIENCES = [
  "https://auth.msft.communication.azure.com",
  "1fd5118e-2576-4263-8130-9503064c837a",
] as const;
/** The delegated permissions (`scp`) that let a Teams user's token be exchanged: at least one of them. */
export const TEAMS_EXCHANGE_SCOPES = ["Teams.ManageCalls", "Teams.ManageChats"] as const;

/** Whether an Entra ID token is one Communication Services exchanges: its audience, and one of its scopes. */
function forCommunicationServices(claims: Record<string, unknown>): boolean {
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  const audienceOk = audiences.some(
    (aud) =>
      typeof aud === "string" &&
      TEAMS_EXCHANGE_AUDIENCES.some((known) => known === aud.replace(/\/+$/, "").toLowerCase()),
  );
  const scopes = typeof claims.scp === "string" ? claims.scp.split(" ") : [];
  return audienceOk && TEAMS_EXCHANGE_SCOPES.some((scope) => scopes.includes(scope));
}

/** How far in the future an Entra ID token's `nbf` may be (Microsoft.IdentityModel's default clock skew). */
const ENTRA_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Teams user exchange. The Entra ID token's signature is NOT checked (offline); it must be a JWT, unexpired and
 * valid already (`nbf`, with 5 minutes of clock skew), for Communication Services (audience {@link TEAMS_EXCHANGE_AUDIENCES}, a scope of {@link TEAMS_EXCHANGE_SCOPES}:
 * as the service, a token for another resource, such as Microsoft Graph's User.Read, is 401), whose `appid`
 * (or v2 `azp`) and `oid` match appId and userId. Checks in the recorded order: token (401) → required
 * appId/userId → GUID format → claim match (400).
 */
function exchange(service: IdentityService, input: Record<string, unknown>, nowMs: number) {
  const token = typeof input.token === "string" ? input.token : "";
  const claims = decodeEntraToken(token);
  if (
    !claims ||
    typeof claims.exp !== "number" ||
    claims.exp * 1000 <= nowMs ||
    // Not valid yet: Microsoft Entra's validators allow 5 minutes of clock skew (assumption, README).
    (typeof claims.nbf === "number" && claims.nbf * 1000 > nowMs + ENTRA_CLOCK_SKEW_MS) ||
    !forCommunicationServices(claims)
  ) {
    fail(catalogue.teamsInvalidAccessToken());
  }
  const appId = typeof input.appId === "string" ? input.appId : "";
  const userId = typeof input.userId === "string" ? input.userId : "";
  if (appId === "") fail(catalogue.teamsAppIdRequired());
  if (userId === "") fail(catalogue.teamsUserIdRequired());
  if (!GUID.test(appId)) fail(catalogue.teamsAppIdInvalidFormat());
  if (!GUID.test(userId)) fail(catalogue.teamsUserIdInvalidFormat());
  const tokenApp = typeof claims.appid === "string" ? claims.appid : claims.azp;
  if (typeof tokenApp !== "string" || tokenApp.toLowerCase() !== appId.toLowerCase()) {
    fail(catalogue.teamsAppIdMismatch());
  }
  if (typeof claims.oid !== "string" || claims.oid.toLowerCase() !== userId.toLowerCase()) {
    fail(catalogue.teamsUserIdMismatch());
  }
  return service.issueTeamsUserToken(userId, claims.exp * 1000);
}

function decodeEntraToken(token: string): Record<string, unknown> | undefined {
  try {
    return decodeJwt(token);
  } catch {
    return undefined; // not a compact JWT with a JSON object as payload
  }
}
