/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core, started once for the file,
 * against a standalone emulator that a learner's SDK uses at the same time.
 *
 * Without chromium these tests are skipped (the name says how to run them); with CI set they run, and fail when
 * the browser is missing. `ACS_UPDATE_SCREENSHOTS=1` writes the screenshots of docs/en/workshop.md and
 * docs/zh-CN/workshop.md (docs/<language>/images/dashboard.png).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { repoRoot } from "@acs-quickstart/common";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type StandaloneEmulator, startStandaloneEmulator } from "../src/server.js";
import { testSigningKey } from "../src/testing.js";
import { DASHBOARD_ROUTES, rawRequest } from "./helpers.js";

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const RUN = existsSync(CHROMIUM) || Boolean(process.env.CI);
const SCREENSHOTS = process.env.ACS_UPDATE_SCREENSHOTS === "1";
/** What a learner's request may take to show on the projector. */
const WITHIN_MS = 1000;

describe.skipIf(!RUN)(
  `the dashboard in a browser (${RUN ? CHROMIUM : "skipped: no chromium; run `apt-get install -y chromium` or set CHROMIUM_PATH; with CI set they always run"})`,
  () => {
    let dir: string;
    let room: StandaloneEmulator;
    let dashboard: { url: string; secret: string };
    let context: BrowserContext;
    let page: Page;
    let learner: CommunicationIdentityClient;
    /** Every answer the page received from the emulator, as text (the page's data). */
    const received: string[] = [];

    beforeAll(async () => {
      if (!existsSync(CHROMIUM)) {
        throw new Error(
          `No browser at ${CHROMIUM}. With CI set the browser tests must run: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH.`,
        );
      }
      dir = mkdtempSync(join(tmpdir(), "acs-dashboard-"));
      room = await startStandaloneEmulator({
        port: 0,
        stateDir: join(dir, "emulator"),
        signingKey: await testSigningKey(),
        dashboard: true,
      });
      dashboard = room.dashboard as { url: string; secret: string };
      learner = new CommunicationIdentityClient(room.connectionString, {
        tlsOptions: { ca: room.caPem },
        retryOptions: { maxRetries: 0 },
      });
      context = await chromium.launchPersistentContext(join(dir, "profile"), {
        executablePath: CHROMIUM,
        headless: true,
        ignoreHTTPSErrors: true, // the emulator's certificate is its own
        viewport: { width: 1400, height: 1000 },
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("response", async (response) => {
        if (!response.url().startsWith(room.url)) return;
        if ((response.headers()["content-type"] ?? "").startsWith("text/event-stream")) return;
        received.push(await response.text().catch(() => ""));
      });
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await room?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("without the secret, every dashboard route answers 401 (the page too)", async () => {
      const routes = [...DASHBOARD_ROUTES, ["GET", "/_dashboard/?secret=wrong"] as const];
      for (const [method, path] of routes) {
        const answer = await rawRequest({
          endpoint: room.url,
          method,
          path,
          ca: room.caPem,
          headers: { "x-acs-dashboard": "1", cookie: "acs_dashboard=wrong" },
        });
        expect(answer.status, `${method} ${path}`).toBe(401);
        expect(answer.text).not.toContain(dashboard.secret);
      }
      const locked = await page.goto(`${room.url}/_dashboard/`);
      expect(locked?.status()).toBe(401);
      expect(await page.textContent("body")).toContain("This dashboard needs its secret");
    });

    it("the secret in the URL opens it, and leaves the address bar", async () => {
      await page.goto(dashboard.url);
      expect(page.url()).toBe(`${room.url}/_dashboard/`);
      await page.waitForSelector("#live.on");
      expect(await page.textContent("#endpoint")).toBe(room.url);
    });

    it("a learner's identity and access token appear within 1 s of the request", async () => {
      const { user, token } = await learner.createUserAndToken(["chat", "voip"]);
      const answered = performance.now();
      await page.waitForSelector(`#identities tr[data-identity="${user.communicationUserId}"]`, {
        timeout: WITHIN_MS,
      });
      const row = await page.waitForSelector(`#tokens tr[data-state="valid"]`, { timeout: WITHIN_MS });
      const shownAfter = performance.now() - answered;
      expect(shownAfter).toBeLessThan(WITHIN_MS);
      const text = (await row.textContent()) ?? "";
      expect(text).toContain(user.communicationUserId);
      expect(text).toContain("chat, voip");
      expect(text).toMatch(/23 h 59 min/);
      expect(text).toContain(`${token.slice(0, 12)}… (${token.length} characters)`);
      expect(await page.content(), "the token is masked").not.toContain(token);
    });

    it("a token is shown in full only on an explicit reveal, and masked again on hide", async () => {
      const { user, token } = await learner.createUserAndToken(["voip"]);
      const row = page.locator("#tokens tr", { hasText: user.communicationUserId });
      await row.waitFor({ timeout: WITHIN_MS });
      expect(await page.content()).not.toContain(token);
      await row.locator("button.reveal").click();
      await expect.poll(() => row.locator(".token").textContent()).toBe(token);
      await row.locator("button.reveal").click();
      await expect
        .poll(() => row.locator(".token").textContent())
        .toBe(`${token.slice(0, 12)}… (${token.length} characters)`);
      expect(await page.content()).not.toContain(token);
    });

    it("shows a revoked token as revoked", async () => {
      const { user } = await learner.createUserAndToken(["voip"]);
      await learner.revokeTokens(user);
      await page
        .locator("#tokens tr[data-state='revoked']", { hasText: user.communicationUserId })
        .waitFor({ timeout: WITHIN_MS });
    });

    it("explains a request with a bad signature (another access key), and one with a stale date", async () => {
      const path = "/identities?api-version=2023-10-01";
      const wrongKey = Buffer.alloc(32, 7).toString("base64");
      const denied = await rawRequest({
        endpoint: room.url,
        method: "POST",
        path,
        body: "{}",
        accessKey: wrongKey,
        ca: room.caPem,
      });
      expect(denied.status).toBe(401);
      const row = page.locator("#journal tr[data-status='401']").first();
      await row.waitFor({ timeout: WITHIN_MS });
      expect(await row.textContent()).toMatch(/Denied.*signed with another access key/);
      const stale = await rawRequest({
        endpoint: room.url,
        method: "POST",
        path,
        body: "{}",
        accessKey: room.emulator.accessKey,
        date: new Date(Date.now() - 60 * 60_000),
        ca: room.caPem,
      });
      expect(stale.status).toBe(401);
      await expect
        .poll(() => page.locator("#journal tr[data-status='401']").first().textContent())
        .toMatch(/outside the emulator's clock window/);
    });

    it("a fault preset fails the learner's next request as it says, and shows in the journal", async () => {
      await page.click("button[data-preset='429']");
      await expect.poll(() => page.textContent("#armed")).toMatch(/429 × 1/);
      await expect(learner.createUser()).rejects.toMatchObject({ statusCode: 429 });
      await page.locator("#journal tr[data-status='429']").first().waitFor({ timeout: WITHIN_MS });
      await expect.poll(() => page.textContent("#armed")).toBe("No fault armed.");
    });

    it("the access key appears nowhere in the page or its data", async () => {
      const { token } = await learner.createUserAndToken(["voip"]);
      await page
        .locator("#tokens tr", { hasText: token.slice(0, 12) })
        .first()
        .waitFor({ timeout: WITHIN_MS });
      const stream = await eventStream(room, dashboard.secret, 400);
      const everything = [await page.content(), ...received, stream].join("\n");
      expect(stream).toContain("event: state");
      expect(received.length).toBeGreaterThanOrEqual(3); // the page, its script and style, its state
      expect(everything).not.toContain(room.emulator.accessKey);
      expect(everything).not.toContain(room.connectionString);
      expect(everything).not.toContain(token);
    });

    it("speaks Chinese to a Chinese browser; the workshop guide's screenshots, when asked for", async () => {
      for (const language of ["en", "zh-CN"] as const) {
        await page.goto(`${room.url}/_dashboard/?lang=${language}`);
        await page.waitForSelector("#live.on");
        expect(await page.textContent("#tokens-title")).toMatch(
          language === "en" ? /^Access tokens/ : /^访问令牌/,
        );
        if (!SCREENSHOTS) continue; // a full-page PNG costs a second of CPU: only when the pictures are remade
        const file = join(repoRoot(import.meta.dirname), "docs", language, "images", "dashboard.png");
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, await page.screenshot({ fullPage: true }));
      }
    });

    it("fits a 1280 px projector: long unbroken values wrap in every table; an expiry not today shows its date", async () => {
      const customId = "c".repeat(256); // the longest the service accepts
      const created = await rawRequest({
        endpoint: room.url,
        method: "POST",
        path: "/identities?api-version=2025-03-02-preview",
        body: JSON.stringify({ customId, createTokenWithScopes: ["voip"] }),
        accessKey: room.emulator.accessKey,
        ca: room.caPem,
      });
      expect(created.status).toBe(201);
      const { identity, accessToken } = created.json() as {
        identity: { id: string };
        accessToken: { expiresOn: string };
      };
      // A request for a long path that is no operation, unbroken: the journal shows the path.
      const longPath = `/${"x".repeat(300)}?api-version=2023-10-01`;
      await rawRequest({
        endpoint: room.url,
        method: "GET",
        path: longPath,
        accessKey: room.emulator.accessKey,
        ca: room.caPem,
      });
      await page.setViewportSize({ width: 1280, height: 800 });
      try {
        await page.goto(`${room.url}/_dashboard/?lang=en`);
        await page.waitForSelector("#live.on");
        const row = page.locator(`#identities tr[data-identity="${identity.id}"]`);
        await row.waitFor({ timeout: WITHIN_MS });
        expect(await row.textContent()).toContain(`customId: ${customId}`);
        await page
          .locator("#journal tr", { hasText: "x".repeat(40) })
          .first()
          .waitFor({ timeout: WITHIN_MS });
        const widths = {
          page: (await page.evaluate("document.documentElement.scrollWidth")) as number,
          tables: await page
            .locator("table")
            .evaluateAll((tables) => tables.map((t) => [t.id, t.getBoundingClientRect().right] as const)),
        };
        expect(widths.page).toBeLessThanOrEqual(1280);
        for (const [id, right] of widths.tables) expect(right, `#${id}`).toBeLessThanOrEqual(1280);
        // The token expires in 24 hours: another day, so its date is shown, not only its time.
        const tokenRow = page.locator("#tokens tr", { hasText: identity.id }).first();
        const expires = ((await tokenRow.locator("td").nth(3).textContent()) ?? "").trim();
        const day = await page.evaluate((at) => new Date(at).getDate(), accessToken.expiresOn);
        expect(expires).not.toMatch(/^\d\d:\d\d:\d\d$/);
        expect(expires).toMatch(new RegExp(`\\b${day}\\b`));
        expect(expires).toMatch(/\d\d:\d\d:\d\d/);
        // Created now: today, the time only.
        expect(((await row.locator("td").nth(1).textContent()) ?? "").trim()).toMatch(/^\d\d:\d\d:\d\d$/);
      } finally {
        await page.setViewportSize({ width: 1400, height: 1000 });
      }
    });

    it("reset forgets every identity, token and armed fault, live", async () => {
      await page.goto(`${room.url}/_dashboard/`);
      await page.waitForSelector("#live.on");
      await page.click("button[data-preset='503']");
      await expect.poll(() => page.textContent("#armed")).toMatch(/503 × 1/);
      page.once("dialog", (dialog) => dialog.accept());
      await page.click("#reset");
      await expect.poll(() => page.locator("#identities tbody tr").count()).toBe(0);
      await expect.poll(() => page.locator("#tokens tbody tr").count()).toBe(0);
      expect(await page.textContent("#armed")).toBe("No fault armed.");
      expect(room.emulator.identities()).toEqual([]);
    });
  },
);

/** The dashboard's event stream, read for `ms` with the secret's cookie, as text. */
function eventStream(room: StandaloneEmulator, secret: string, ms: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const request = https.get(
      `${room.url}/_dashboard/api/events`,
      { ca: room.caPem, headers: { cookie: `acs_dashboard=${secret}` } },
      (response) => {
        response.on("data", (chunk: Buffer) => {
          text += chunk.toString("utf8");
        });
        setTimeout(() => {
          request.destroy();
          resolve(text);
        }, ms);
      },
    );
    request.on("error", (error) => (text ? resolve(text) : reject(error)));
  });
}
