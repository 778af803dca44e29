/**
 * Replays every recorded 2025-03-02-preview interaction (fixtures/recorded-2025-03-02-preview.ts) as raw requests
 * against a target, and checks the recorded facts: status, headers, body (keys in the recorded order), expiry.
 * Run on both transports (in-process.test.ts, standalone.test.ts).
 */
import { expect, it } from "vitest";
import type { Target } from "./contract.js";
import {
  EVERY_ANSWER,
  type HeaderFact,
  RECORDED,
  type RecordedRequest,
  type TeamsTokens,
} from "./fixtures/recorded-2025-03-02-preview.js";
import { APP_ID, entraToken, FOREIGN_ID, type RawResponse, rawRequest, USER_OBJECT_ID } from "./helpers.js";

/** `wire`: a real socket, so the framing facts (Content-Length, chunked error bodies) can be checked too. */
export function recordedContract(target: () => Target & { wire: boolean }): void {
  const now = () => Math.floor(Date.now() / 1000);
  const tokens = (): TeamsTokens => ({
    valid: entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp: now() + 3600 }),
    expired: entraToken({ appid: APP_ID, oid: USER_OBJECT_ID, exp: now() - 60 }),
  });

  async function send(request: RecordedRequest, id: string | undefined): Promise<RawResponse> {
    const t = target();
    const path = request.path
      .replace("{id}", encodeURIComponent(id ?? "no identity made yet"))
      .replace("{foreign}", encodeURIComponent(FOREIGN_ID));
    const body = typeof request.body === "function" ? request.body(tokens()) : request.body;
    return rawRequest({
      endpoint: t.endpoint,
      method: request.method,
      path,
      ...(body !== undefined ? { body } : {}),
      ...(request.auth === "hmac" ? { accessKey: t.accessKey } : {}),
      headers: {
        ...(request.auth === "bearer" ? { authorization: "Bearer eyJ0eXAiOiJKV1QifQ.e30.c2ln" } : {}),
        "x-ms-client-request-id": "0f8fad5b-d9cb-469f-a165-70867728950e",
      },
      ...(t.ca ? { ca: t.ca } : {}),
    });
  }

  for (const interaction of RECORDED) {
    it(`answers as recorded in ${interaction.source}`, async () => {
      let id: string | undefined;
      for (const request of interaction.setup ?? []) await send(request, id);
      for (const [i, exchange] of interaction.exchanges.entries()) {
        const where = `${interaction.source} #${i + 1}`;
        const res = await send(exchange.request, id);
        expect(res.status, where).toBe(exchange.status);
        for (const [name, fact] of Object.entries({ ...EVERY_ANSWER, ...exchange.headers })) {
          expectHeader(res, name, fact, where);
        }
        expect(res.headers["x-processing-time"], where).toMatch(/^\d+ms$/);
        expect(res.headers["x-ms-client-request-id"], where).toBe("0f8fad5b-d9cb-469f-a165-70867728950e");
        if (target().wire) {
          // Success bodies with a Content-Length, error bodies chunked, 204 neither [REC].
          const hasBody = exchange.body !== null;
          expect(res.headers["content-length"] !== undefined, where).toBe(hasBody && exchange.status < 400);
          expect(res.headers["transfer-encoding"], where).toBe(
            exchange.status >= 400 ? "chunked" : undefined,
          );
        }
        if (exchange.body === null) {
          expect(res.text, where).toBe("");
          continue;
        }
        const body = res.json() as Record<string, unknown>;
        expectShape(body, exchange.body, where);
        if (exchange.expiresInMinutes !== undefined) {
          const expiresOn = String(
            (body.accessToken as { expiresOn?: string } | undefined)?.expiresOn ?? body.expiresOn,
          );
          // Seven fractional digits and +00:00, as the service writes them [REC].
          expect(expiresOn, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
          const answeredAt = Date.parse(String(res.headers.date));
          expect(Date.parse(expiresOn) - answeredAt, where).toBeGreaterThanOrEqual(
            exchange.expiresInMinutes * 60_000 - 1000,
          );
          expect(Date.parse(expiresOn) - answeredAt, where).toBeLessThan(
            exchange.expiresInMinutes * 60_000 + 2000,
          );
        }
        const identity = (body.identity ?? body) as { id?: unknown; lastTokenIssuedAt?: unknown };
        if (typeof identity.id === "string") id = identity.id;
        if (identity.lastTokenIssuedAt !== undefined) {
          // Whole seconds and +00:00 [REC].
          expect(identity.lastTokenIssuedAt, where).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/);
        }
      }
    });
  }
}

function expectHeader(res: RawResponse, name: string, fact: HeaderFact, where: string): void {
  const value = res.headers[name];
  if (fact === false) expect(value, `${where}: ${name}`).toBeUndefined();
  else if (fact === true) expect(value, `${where}: ${name}`).toBeTruthy();
  else expect(value, `${where}: ${name}`).toBe(fact);
}

/** The same keys in the same order; "sanitized" matches any non-empty string; other values exactly. */
function expectShape(actual: unknown, recorded: unknown, where: string): void {
  if (recorded === "sanitized") {
    expect(typeof actual === "string" && actual.length > 0, `${where}: ${JSON.stringify(actual)}`).toBe(true);
    return;
  }
  if (typeof recorded !== "object" || recorded === null) {
    expect(actual, where).toEqual(recorded);
    return;
  }
  expect(typeof actual === "object" && actual !== null, where).toBe(true);
  const a = actual as Record<string, unknown>;
  const r = recorded as Record<string, unknown>;
  expect(Object.keys(a), where).toEqual(Object.keys(r));
  for (const key of Object.keys(r)) expectShape(a[key], r[key], `${where}.${key}`);
}
