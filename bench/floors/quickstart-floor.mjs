// Floor of `npm run quickstart` (offline): plain Node, no transpiler, no emulator model. It loads the same
// SDK (@azure/communication-identity) and msw, and makes the same calls as the six steps and the clean-up,
// answered by msw with constant bodies. Run from the repository root: `node bench/floors/quickstart-floor.mjs`.
import https from "node:https";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";

const endpoint = "https://acs-floor.localhost";
const accessKey = Buffer.alloc(32, 7).toString("base64");
const token = `eyJhbGciOiJSUzI1NiJ9.${"x".repeat(850)}.sig`;
const expiresOn = "2030-01-01T00:00:00.0000000+00:00";
let n = 0;
const user = () => ({ id: `8:acs:00000000-0000-0000-0000-000000000000_${++n}` });
const json = (status, body) => HttpResponse.json(body, { status });

const server = setupServer(
  http.all(/^https:\/\/acs-floor\.localhost\/.*$/, async ({ request }) => {
    const { pathname } = new URL(request.url);
    if (request.method === "POST" && pathname === "/identities") {
      const body = await request.json().catch(() => ({}));
      return json(
        201,
        body?.createTokenWithScopes
          ? { identity: user(), accessToken: { token, expiresOn } }
          : { identity: user() },
      );
    }
    if (pathname.endsWith(":issueAccessToken")) return json(200, { token, expiresOn });
    if (pathname === "/_emulator/validate-token") return json(200, { valid: true });
    return new HttpResponse(null, { status: 204 }); // revoke, delete
  }),
);
server.listen({ onUnhandledRequest: "bypass" });

const validate = () =>
  new Promise((resolve, reject) => {
    const req = https.request(`${endpoint}/_emulator/validate-token`, { method: "POST" }, (res) => {
      res.resume();
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end(JSON.stringify({ token }));
  });

const client = new CommunicationIdentityClient(`endpoint=${endpoint}/;accesskey=${accessKey}`);
const a = await client.createUser(); // 1
await client.getToken(a, ["voip"]); // 2
await client.getToken(a, ["voip"], { tokenExpiresInMinutes: 60 });
const { user: b } = await client.createUserAndToken(["voip"]); // 3
await client.getToken(a, ["voip"], { tokenExpiresInMinutes: 60 }); // 4
await client.revokeTokens(a); // 5
await validate();
await client.getToken(a, ["voip"]);
await validate();
await client.deleteUser(a); // 6
await client.deleteUser(b); // clean-up
server.close();
console.log("floor: 11 calls done");
