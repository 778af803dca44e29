/**
 * api-versions: which ones the emulator implements, what the service advertises, and how a requested version is
 * resolved (`strict`, the default, or `loose`).
 *
 * Sources: ../shared/reference/acs-identity-api.md §1.2 and the recordings of April 2025
 * (js-433419a362, net-c33e140f), which carry the service's `api-supported-versions` header per route.
 */

/** Every api-version the identity routes implement, oldest first (what each one changes: README "api-versions"). */
export const API_VERSIONS = [
  "2021-03-07",
  "2022-06-01",
  "2022-10-01",
  "2023-10-01",
  "2025-03-02-preview",
] as const;
/** The Teams user exchange (`POST /teamsUser/:exchangeAccessToken`) exists from 2022-06-01. */
export const TEAMS_API_VERSIONS = ["2022-06-01", "2022-10-01", "2023-10-01", "2025-03-02-preview"] as const;
/** `GET /identities/{id}` and `customId` exist from 2025-03-02-preview. */
export const GET_IDENTITY_API_VERSIONS = ["2025-03-02-preview"] as const;

/**
 * The service's `api-supported-versions` header, per route, as recorded in April 2025. It lists versions the
 * emulator does not implement (2020-07-20-preview2, 2021-10-31-preview, 2021-11-01, 2025-03-31-preview); those
 * are answered 400 UnsupportedApiVersion (README "Assumptions").
 */
export const SUPPORTED_VERSIONS_HEADER = {
  /** `/identities`, `/identities/{id}`, `:revokeAccessTokens` [REC js-433419a362 create_user.json]. */
  identities:
    "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
  /** `:issueAccessToken` [REC js-433419a362 get_token_chat_voip.json]. */
  issueAccessToken:
    "2020-07-20-preview2, 2021-03-07, 2021-10-31-preview, 2021-11-01, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview, 2025-03-31-preview",
  /** `/teamsUser/:exchangeAccessToken` [REC js-433419a362 teams_exchange_success.json]. */
  teamsUser: "2021-10-31-preview, 2022-06-01, 2022-10-01, 2023-10-01, 2025-03-02-preview",
} as const;

/**
 * `strict` (default): a version the operation does not implement is 400 UnsupportedApiVersion, as the service
 * answers. `loose`: a well-formed version LATER than every version the operation implements is served with the
 * rules of the newest one (a newer SDK works on the day it is published); one warning line per such version.
 */
export type ApiVersionCheck = "strict" | "loose";
export const API_VERSION_CHECKS: readonly ApiVersionCheck[] = ["strict", "loose"];

/**
 * `yyyy-MM-dd` with an optional status such as `-preview` or `-preview2` (the ASP.NET API-versioning form), the
 * status at most 32 characters (ours: the longest of Azure's is 9).
 */
const VERSION = /^(\d{4}-\d{2}-\d{2})(?:-([A-Za-z][A-Za-z0-9]{0,31}))?$/;

/** Orders two well-formed versions: by date, then a version with a status (preview) before the same date's GA. */
export function compareApiVersions(a: string, b: string): number {
  const [, da = "", sa] = VERSION.exec(a) ?? [];
  const [, db = "", sb] = VERSION.exec(b) ?? [];
  if (da !== db) return da < db ? -1 : 1;
  if (sa === sb) return 0;
  if (sa === undefined) return 1;
  if (sb === undefined) return -1;
  return sa < sb ? -1 : 1;
}

/** A version of the form above whose date exists (`2026-02-30` and `2026-13-45` do not). */
export function isWellFormedApiVersion(version: string): boolean {
  const date = VERSION.exec(version)?.[1];
  if (date === undefined) return false;
  const time = Date.parse(`${date}T00:00:00Z`); // NaN for a month 13; 2026-02-30 rolls over to March
  return !Number.isNaN(time) && new Date(time).toISOString().startsWith(date);
}

/**
 * The version whose rules serve `requested` for an operation implementing `implemented` (oldest first):
 * `requested` itself when implemented; in loose mode, the newest implemented version when `requested` is a
 * well-formed later one; otherwise undefined (not served).
 */
export function resolveApiVersion(
  requested: string,
  implemented: readonly string[],
  check: ApiVersionCheck,
): string | undefined {
  if (implemented.includes(requested)) return requested;
  const newest = implemented[implemented.length - 1];
  if (
    check === "loose" &&
    newest !== undefined &&
    isWellFormedApiVersion(requested) &&
    compareApiVersions(requested, newest) > 0
  ) {
    return newest;
  }
  return undefined;
}
