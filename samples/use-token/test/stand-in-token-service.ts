/**
 * A stand-in for step 7's token service, with its routes and answers (`{ session }`, `{ token, expiresOn }`,
 * 401 without a session, 204 for the sign-outs): this sample's tests exercise the client against the contract,
 * without the real service's passwords and limits. The runner's part-two tests run both samples together.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { CommunicationUserIdentifier } from "@azure/communication-common";
import type { CommunicationIdentityClient, TokenScope } from "@azure/communication-identity";

export interface StandIn {
  url: string;
  identities: Map<string, CommunicationUserIdentifier>;
  close(): Promise<void>;
}

export async function startStandIn(
  client: CommunicationIdentityClient,
  users: Record<string, { password: string; scopes: TokenScope[] }>,
): Promise<StandIn> {
  const identities = new Map<string, CommunicationUserIdentifier>();
  const sessions = new Map<string, string>();
  const server = createServer(async (req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { "content-type": "application/json" });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    try {
      let text = "";
      for await (const chunk of req) text += chunk;
      if (req.url === "/api/sign-in") {
        const { username, password } = JSON.parse(text) as { username: string; password: string };
        if (users[username]?.password !== password)
          return send(401, { message: "Wrong user name or password." });
        const session = randomBytes(32).toString("base64url");
        sessions.set(session, username);
        return send(200, { session, expiresOn: new Date(Date.now() + 3_600_000).toISOString() });
      }
      const user = sessions.get(/^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? "");
      if (!user) return send(401, { message: "Sign in first." });
      let identity = identities.get(user);
      if (!identity) {
        identity = await client.createUser();
        identities.set(user, identity);
      }
      if (req.url === "/api/token") {
        const { token, expiresOn } = await client.getToken(identity, users[user]?.scopes ?? [], {
          tokenExpiresInMinutes: 60,
        });
        return send(200, { token, expiresOn: expiresOn.toISOString() });
      }
      if (req.url === "/api/sign-out-everywhere") await client.revokeTokens(identity);
      if (req.url === "/api/sign-out" || req.url === "/api/sign-out-everywhere") {
        for (const [session, owner] of sessions) if (owner === user) sessions.delete(session);
        return send(204);
      }
      send(404, { message: "No such route." });
    } catch (error) {
      send(500, { message: (error as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    identities,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
