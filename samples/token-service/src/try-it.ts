/**
 * A tour of a running token service, as a client (a browser page, a mobile app, or curl) meets it: what it
 * answers without a session, with a wrong password, for each role, to a request that names another user, and
 * when a user asks too often.
 */
import { formatExpiry, formatScopes, maskToken } from "@acs-quickstart/core";

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | null;
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  429: "Too Many Requests",
};

async function call(url: string, session?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      ...(session ? { authorization: `Bearer ${session}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    retryAfter: response.headers.get("retry-after"),
  };
}

const status = (answer: Answer) => `${answer.status} ${STATUS_TEXT[answer.status] ?? ""}`.trim();

/** The scopes an access token carries (its `acsScope` claim, read for display only: the format is not a contract). */
function scopesOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  const claim = (payload as { acsScope?: unknown }).acsScope;
  return formatScopes(typeof claim === "string" && claim !== "" ? claim.split(",") : ["?"]);
}

/**
 * Calls the token service at `url` the way its clients do and prints what it answers.
 * @param passwords the demo users' passwords (alice, bob, carol).
 * @throws {Error} when an answer is not what the service promises.
 */
export async function tryTokenService(
  url: string,
  passwords: Readonly<Record<string, string>>,
): Promise<void> {
  const expect = (answer: Answer, wanted: number, what: string) => {
    if (answer.status !== wanted) {
      const said = typeof answer.body.message === "string" ? `: ${answer.body.message}` : ".";
      throw Object.assign(new Error(`${what}: the token service answered ${status(answer)}${said}`), {
        name: "TokenServiceError",
        status: answer.status,
      });
    }
    return answer;
  };
  const signIn = async (user: string) => {
    const answer = expect(
      await call(`${url}/api/sign-in`, undefined, { username: user, password: passwords[user] }),
      200,
      `sign-in as ${user}`,
    );
    return String(answer.body.session);
  };

  const anonymous = expect(await call(`${url}/api/token`), 401, "a token without a session");
  console.log(`POST /api/token without signing in: ${status(anonymous)}`);
  const wrong = await call(`${url}/api/sign-in`, undefined, {
    username: "alice",
    password: "not-her-password",
  });
  console.log(
    `POST /api/sign-in as alice with a wrong password: ${status(expect(wrong, 401, "a wrong password"))}`,
  );

  const alice = await signIn("alice");
  console.log(
    "POST /api/sign-in as alice: 200 OK, a session (kept by the client, sent as Authorization: Bearer)",
  );
  const issued = expect(await call(`${url}/api/token`, alice), 200, "a token for alice");
  const token = String(issued.body.token);
  console.log(
    `POST /api/token as alice: 200 OK, ${scopesOf(token)}, expires at ${formatExpiry(new Date(String(issued.body.expiresOn)))}: ${maskToken(token)}`,
  );
  const other = expect(
    await call(`${url}/api/token`, alice, { userId: "bob" }),
    400,
    "a token for someone else",
  );
  console.log(
    `POST /api/token as alice with the body {"userId":"bob"}: ${status(other)} (${other.body.message})`,
  );

  for (const user of ["bob", "carol"]) {
    const answer = expect(await call(`${url}/api/token`, await signIn(user)), 200, `a token for ${user}`);
    console.log(`POST /api/sign-in, then /api/token, as ${user}: ${scopesOf(String(answer.body.token))}`);
  }

  const statuses: string[] = [];
  let limited: Answer | undefined;
  while (!limited && statuses.length < 20) {
    const answer = await call(`${url}/api/token`, alice);
    statuses.push(String(answer.status));
    if (answer.status === 429) limited = answer;
  }
  if (!limited) throw new Error("The token service never limited alice's token requests.");
  console.log(
    `POST /api/token as alice, again and again: ${statuses.join(", ")} (${status(limited)}, Retry-After: ${limited.retryAfter} s)`,
  );
}
