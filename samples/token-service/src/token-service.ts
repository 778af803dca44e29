/**
 * @summary Step 7 (part two): a token service, the "trusted authentication service" of the Communication
 * Services identity model. Your app's users sign in to it; it gives each app user one identity (made on their
 * first sign-in, remembered in the identity store) and issues access tokens for that identity only, with the
 * scopes of the user's role. The resource's access key never leaves this server.
 * Tutorial page: docs/en/07-token-service.md
 *
 * Built on Fastify 5: its logger (pino) redacts secrets, its official plugins do CORS (@fastify/cors) and
 * rate limits (@fastify/rate-limit), and it checks every request body against a JSON schema.
 *
 * | route                            | who                | answer                                                 |
 * | -------------------------------- | ------------------ | ------------------------------------------------------ |
 * | `POST /api/sign-in`              | anyone             | `{ session, expiresOn }` (401 for a wrong password)    |
 * | `POST /api/token`                | a session (Bearer) | `{ token, expiresOn }` for the session's own identity  |
 * | `POST /api/sign-out`             | a session          | 204: the session ends                                  |
 * | `POST /api/sign-out-everywhere`  | a session          | 204: every session ends, the identity's tokens are revoked |
 */

import { STATUS_CODES } from "node:http";
import type { IdentityStore } from "@acs-quickstart/core";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient } from "@azure/communication-identity";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { verifyPassword } from "./passwords.js";
import { SessionStore } from "./sessions.js";
import { type AppUser, DEMO_USERS, ROLE_SCOPES } from "./users.js";

export { DEFAULT_COST, hashPassword, verifyPassword } from "./passwords.js";
export { tryTokenService } from "./try-it.js";
export { type AppUser, DEMO_PASSWORDS, DEMO_USERS, ROLE_SCOPES, type Role } from "./users.js";

/** Where the service remembers which identity belongs to which app user. */
export interface IdentityMap {
  get(appUser: string): Promise<CommunicationUserIdentifier | undefined>;
  set(appUser: string, identity: CommunicationUserIdentifier): Promise<void>;
}

/** An {@link IdentityMap} kept in the identity store (`.quickstart/identities.json`), per resource. */
export function identityStoreMap(store: IdentityStore, endpoint: string): IdentityMap {
  return {
    get: async (appUser) => {
      const stored = await store.forAppUser(endpoint, appUser);
      return stored ? { communicationUserId: stored.id } : undefined;
    },
    set: async (appUser, identity) => {
      await store.add({ id: identity.communicationUserId, endpoint, appUser, createdBy: "token service" });
    },
  };
}

/** An access token the service issued, as {@link TokenServiceOptions.onTokenIssued} is told of it. */
export interface IssuedToken {
  /** The app user it was issued to. */
  appUser: string;
  /** That user's identity. */
  identity: CommunicationUserIdentifier;
  /** The token itself: a secret (never log it). */
  token: string;
  expiresOn: Date;
  scopes: readonly string[];
}

/** A limit of `max` requests per `windowMs` milliseconds. */
export interface Limit {
  max: number;
  windowMs: number;
}

export interface TokenServiceOptions {
  /** The one client of the resource (its access key, or Microsoft Entra ID, stays on this server). */
  identityClient: CommunicationIdentityClient;
  /** Which identity belongs to which app user. */
  identities: IdentityMap;
  /** Who may sign in. Default: {@link DEMO_USERS}. */
  users?: readonly AppUser[];
  /** The web origins whose pages may call the service from a browser (CORS). Default: http://localhost:5173. */
  allowedOrigins?: readonly string[];
  /** Lifetime of the access tokens, 60 to 1440 minutes. Default 60: short-lived tokens, refreshed by the client. */
  tokenLifetimeMinutes?: number;
  /** Lifetime of a session. Default 8 hours. */
  sessionLifetimeMinutes?: number;
  /**
   * Token requests per user (default 5 a minute); sign-ins per user name and address (default 5 a minute); failed
   * sign-ins per user name, from any address (default 10 a minute: guesses spread over many addresses are limited
   * too; once it is reached, that user name cannot sign in until the window is over, not even with the right
   * password).
   */
  limits?: { token?: Limit; signIn?: Limit; failedSignIns?: Limit };
  /**
   * Told of each access token the service issues, before the client gets it (e.g. for an audit trail, or a
   * test). It gets the token itself: never log it.
   */
  onTokenIssued?: (issued: IssuedToken) => void;
  /** Where the log goes (pino's JSON lines; default stdout), or `false` for none. */
  log?: false | { level?: string; stream?: { write(line: string): void } };
}

/** The user a request's session belongs to (set by `requireSession`). */
const SESSION_USER = Symbol("sessionUser");
type Authenticated = FastifyRequest & { [SESSION_USER]: AppUser; sessionToken: string };

const SIGN_IN_BODY = {
  type: "object",
  required: ["username", "password"],
  additionalProperties: false,
  properties: {
    username: { type: "string", minLength: 1, maxLength: 100 },
    password: { type: "string", minLength: 1, maxLength: 200 },
  },
} as const;

/** The session routes take no body at all: who the token is for comes from the session, never from the request. */
async function refuseBody(request: FastifyRequest, reply: FastifyReply) {
  const body = request.body;
  const empty =
    body === undefined || body === null || (typeof body === "object" && Object.keys(body).length === 0);
  if (empty && !Array.isArray(body)) return;
  return reply.code(400).send({
    statusCode: 400,
    error: "Bad Request",
    message: "This route takes no body: who you are comes from your session.",
  });
}

/** The user name a sign-in is for (the body was checked against SIGN_IN_BODY by then). */
const userNameOf = (request: FastifyRequest) =>
  (request.body as { username?: string } | undefined)?.username ?? "";

/** Sign-ins are counted per client address and user name: guessing a password gets slow. */
const signInKey = (request: FastifyRequest) => `${request.ip} ${userNameOf(request)}`;

/** `Authorization: Bearer <session>`; the scheme's letter case does not matter (RFC 7235, section 2.1). */
const BEARER = /^bearer +([A-Za-z0-9_-]{20,200}) *$/i;

const tooManyFailures = (reply: FastifyReply, retryAfterSeconds: number) =>
  reply
    .code(429)
    .header("retry-after", String(retryAfterSeconds))
    .send({
      statusCode: 429,
      error: "Too Many Requests",
      message: `Too many failed sign-ins for this user name; retry in ${retryAfterSeconds} s.`,
    });

const unauthorized = (reply: FastifyReply, message: string) =>
  reply
    .code(401)
    .header("www-authenticate", "Bearer")
    .send({ statusCode: 401, error: "Unauthorized", message });

/** The token service, ready to `listen()` (or to be called in a test with `inject()`). */
export async function createTokenService(options: TokenServiceOptions): Promise<FastifyInstance> {
  const { identityClient, identities } = options;
  const users = new Map((options.users ?? DEMO_USERS).map((user) => [user.name, user]));
  const sessions = new SessionStore<AppUser>((options.sessionLifetimeMinutes ?? 480) * 60_000);
  const tokenLifetimeMinutes = options.tokenLifetimeMinutes ?? 60;
  const limits = {
    token: { max: 5, windowMs: 60_000 },
    signIn: { max: 5, windowMs: 60_000 },
    failedSignIns: { max: 10, windowMs: 60_000 },
    ...options.limits,
  };
  // A hash to check unknown user names against: a wrong name takes as long as a wrong password.
  const decoy = (options.users ?? DEMO_USERS)[0]?.passwordHash;

  const app = Fastify({
    bodyLimit: 4096,
    // Unknown body fields are refused (400), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    // Request logs carry method, path, status and time; never headers (the session) or bodies (passwords, tokens).
    logger:
      options.log === false
        ? false
        : {
            level: options.log?.level ?? "info",
            redact: {
              paths: ["req.headers.authorization", "req.headers.cookie", "password", "token"],
              censor: "[redacted]",
            },
            ...(options.log?.stream ? { stream: options.log.stream } : {}),
          },
  });
  await app.register(cors, {
    origin: [...(options.allowedOrigins ?? ["http://localhost:5173"])],
    methods: ["POST"],
    allowedHeaders: ["Authorization", "Content-Type"],
    maxAge: 600,
  });
  await app.register(rateLimit, { global: false });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    // The service's own request to Communication Services was cancelled (the server is stopping): that is not a
    // failure of Communication Services.
    if (error.name === "AbortError") {
      request.log.info("a request to Communication Services was cancelled");
      return reply.code(503).send({
        statusCode: 503,
        error: "Service Unavailable",
        message: "The request was cancelled; try again later.",
      });
    }
    // Communication Services failed or refused a request of the service: the client learns that, not the details.
    if (error.name === "RestError") {
      const status = error.statusCode;
      request.log.error({ status, code: error.code }, "Communication Services did not answer as expected");
      const busy = status === 429 || status === 503;
      const retryAfter = (
        error as { response?: { headers?: { get(name: string): string | undefined } } }
      ).response?.headers?.get("retry-after");
      if (busy) reply.header("retry-after", retryAfter ?? "1");
      return reply.code(busy ? 503 : 502).send({
        statusCode: busy ? 503 : 502,
        error: busy ? "Service Unavailable" : "Bad Gateway",
        message: `Communication Services ${status ? `answered ${status}${error.code ? ` ${error.code}` : ""}` : "could not be reached"}; try again later.`,
      });
    }
    // A client's mistake or a limit (malformed JSON, a body the schema refuses, 429): expected, so one log line
    // without a stack trace. Anything else is a bug: Fastify logs it with its stack and answers 500.
    const status = error.statusCode ?? 500;
    if (status < 400 || status >= 500) return reply.send(error);
    request.log.info({ status, ...(error.code ? { code: error.code } : {}) }, error.message);
    return reply.code(status).send({
      statusCode: status,
      ...(error.code ? { code: error.code } : {}),
      error: STATUS_CODES[status] ?? "Error",
      message: error.message,
    });
  });

  /** The session's user, from `Authorization: Bearer <session>`; 401 without a valid session. */
  async function requireSession(request: FastifyRequest, reply: FastifyReply) {
    const token = BEARER.exec(request.headers.authorization ?? "")?.[1];
    const session = token ? sessions.find(token) : undefined;
    if (!token || !session)
      return unauthorized(reply, "Sign in first: send Authorization: Bearer <session>.");
    Object.assign(request, { [SESSION_USER]: session.user, sessionToken: token });
  }
  const userOf = (request: FastifyRequest) => (request as Authenticated)[SESSION_USER];

  /** One identity per app user: the one remembered, else a new one (made once, even for concurrent sign-ins). */
  const making = new Map<string, Promise<CommunicationUserIdentifier>>();
  async function identityOf(user: AppUser): Promise<CommunicationUserIdentifier> {
    const known = await identities.get(user.name);
    if (known) return known;
    let pending = making.get(user.name);
    if (!pending) {
      pending = (async () => {
        const identity = await identityClient.createUser();
        await identities.set(user.name, identity);
        app.log.info(
          { user: user.name, identity: identity.communicationUserId },
          "made an identity for a new app user",
        );
        return identity;
      })().finally(() => making.delete(user.name));
      making.set(user.name, pending);
    }
    return pending;
  }

  /** Failed sign-ins per user name, whatever the address: guesses spread over many addresses are limited too. */
  const failedSignIns = app.createRateLimit({
    max: limits.failedSignIns.max,
    timeWindow: limits.failedSignIns.windowMs,
    keyGenerator: userNameOf,
  });

  // #region sign-in
  app.post<{ Body: { username: string; password: string } }>(
    "/api/sign-in",
    {
      schema: { body: SIGN_IN_BODY },
      config: {
        rateLimit: {
          max: limits.signIn.max,
          timeWindow: limits.signIn.windowMs,
          keyGenerator: signInKey,
          hook: "preHandler",
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const failures = await failedSignIns(request, { increment: false });
      if (!failures.isAllowed && failures.remaining === 0) {
        request.log.info({ user: username }, "sign-in refused: too many failed sign-ins for this user name");
        return tooManyFailures(reply, failures.ttlInSeconds);
      }
      const user = users.get(username);
      const ok = await verifyPassword(password, user?.passwordHash ?? decoy ?? "");
      if (!user || !ok) {
        await failedSignIns(request); // counted per user name, from every address
        request.log.info({ user: username }, "sign-in refused");
        return unauthorized(reply, "The user name or the password is wrong.");
      }
      await identityOf(user); // one identity per app user, made on the first sign-in
      const session = sessions.start(user);
      request.log.info({ user: user.name }, "signed in");
      reply.header("cache-control", "no-store");
      return { session: session.token, expiresOn: session.expiresOn.toISOString() };
    },
  );
  // #endregion

  // #region issue-token
  app.post(
    "/api/token",
    {
      preValidation: refuseBody,
      preHandler: requireSession,
      config: {
        rateLimit: {
          max: limits.token.max,
          timeWindow: limits.token.windowMs,
          keyGenerator: (request) => userOf(request).name,
          hook: "preHandler",
        },
      },
    },
    async (request, reply) => {
      const user = userOf(request); // from the session: never from the request
      const identity = await identityOf(user);
      const scopes = [...ROLE_SCOPES[user.role]];
      const { token, expiresOn } = await identityClient.getToken(identity, scopes, {
        tokenExpiresInMinutes: tokenLifetimeMinutes,
      });
      request.log.info(
        { user: user.name, identity: identity.communicationUserId, scopes, expiresOn },
        "issued an access token",
      );
      options.onTokenIssued?.({ appUser: user.name, identity, token, expiresOn, scopes });
      reply.header("cache-control", "no-store");
      return { token, expiresOn: expiresOn.toISOString() };
    },
  );
  // #endregion

  app.post(
    "/api/sign-out",
    { preValidation: refuseBody, preHandler: requireSession },
    async (request, reply) => {
      sessions.end((request as Authenticated).sessionToken);
      request.log.info({ user: userOf(request).name }, "signed out");
      return reply.code(204).send();
    },
  );

  // #region sign-out-everywhere
  app.post(
    "/api/sign-out-everywhere",
    { preValidation: refuseBody, preHandler: requireSession },
    async (request, reply) => {
      const user = userOf(request);
      await identityClient.revokeTokens(await identityOf(user)); // every access token issued so far stops working
      sessions.endAll(user.name);
      request.log.info({ user: user.name }, "signed out everywhere: sessions ended, access tokens revoked");
      return reply.code(204).send();
    },
  );
  // #endregion

  return app;
}

export interface RunningTokenService {
  /** `http://127.0.0.1:<port>` */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the service on `host` (default 127.0.0.1: this computer only) and `port` (default 0: any free port).
 * In production, put it behind HTTPS.
 */
export async function startTokenService(
  options: TokenServiceOptions & { host?: string; port?: number },
): Promise<RunningTokenService> {
  const { host = "127.0.0.1", port = 0, ...serviceOptions } = options;
  const app = await createTokenService(serviceOptions);
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === "object" && address ? address.port : port;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${bound}`,
    close: async () => {
      app.server.closeAllConnections();
      await app.close();
    },
  };
}
