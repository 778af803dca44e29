import { execFile } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { formatExpiry, formatScopes, maskToken, revealSecrets, setRevealSecrets } from "../src/format.js";

const NOW = new Date("2026-11-25T01:16:45.678Z");
const later = (milliseconds: number) => new Date(NOW.getTime() + milliseconds);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe("formatExpiry", () => {
  it.each([
    [24 * HOUR, "2026-11-26T01:16:45Z (in 24 h 0 min)"],
    [24 * HOUR - 1_000, "2026-11-26T01:16:44Z (in 23 h 59 min)"],
    [HOUR + 30_000, "2026-11-25T02:17:15Z (in 1 h 0 min)"],
    [HOUR - 1, "2026-11-25T02:16:45Z (in 59 min)"],
    [5 * MIN, "2026-11-25T01:21:45Z (in 5 min)"],
    [59_999, "2026-11-25T01:17:45Z (in less than a minute)"],
    [1, "2026-11-25T01:16:45Z (in less than a minute)"],
    [0, "2026-11-25T01:16:45Z (expired less than a minute ago)"],
    [-5 * MIN, "2026-11-25T01:11:45Z (expired 5 min ago)"],
    [-(2 * HOUR + 3 * MIN + 10_000), "2026-11-24T23:13:35Z (expired 2 h 3 min ago)"],
  ])("%i ms from now → %s", (offset, expected) => {
    expect(formatExpiry(later(offset), NOW)).toBe(expected);
  });

  it("defaults `now` to the current time", () => {
    expect(formatExpiry(new Date(Date.now() + 2 * HOUR + 30_000))).toMatch(/Z \(in 2 h 0 min\)$/);
  });

  it("rejects an invalid date", () => {
    expect(() => formatExpiry(new Date("not a date"), NOW)).toThrow(RangeError);
  });

  it("prints the same text in every time zone (checked in a child process)", async () => {
    // One child process switches TZ between zones (Node applies a new process.env.TZ at once)
    // and also prints the local hour, to prove that the zone really changed.
    const module = pathToFileURL(path.resolve(import.meta.dirname, "../src/format.ts")).href;
    const expires = later(23 * HOUR + 59 * MIN + 30_000).getTime();
    const script = `import("${module}").then((m) => {
      for (const zone of ["Asia/Shanghai", "America/Los_Angeles", "Pacific/Chatham"]) {
        process.env.TZ = zone;
        console.log(new Date(${expires}).getHours() + " " + m.formatExpiry(new Date(${expires}), new Date(${NOW.getTime()})));
      }
    })`;
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", "-e", script]);
    const lines = stdout.trim().split("\n");
    expect(lines.map((line) => line.split(" ")[0])).toEqual(["9", "17", "15"]); // local hours differ…
    for (const line of lines)
      expect(line.slice(line.indexOf(" ") + 1)).toBe("2026-11-26T01:16:15Z (in 23 h 59 min)");
  });
});

describe("formatScopes", () => {
  it("names one scope 'scope' and more 'scopes', in the order given", () => {
    expect(formatScopes(["voip"])).toBe("'voip' scope");
    expect(formatScopes(["chat.join.limited"])).toBe("'chat.join.limited' scope");
    expect(formatScopes(["chat", "voip"])).toBe("'chat, voip' scopes");
    expect(formatScopes(["voip.join", "chat", "chat.join"])).toBe("'voip.join, chat, chat.join' scopes");
  });

  it("refuses an empty list: a token has at least one scope", () => {
    expect(() => formatScopes([])).toThrow(RangeError);
  });
});

describe("maskToken", () => {
  const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6IjU3Qk${"x".repeat(1000)}.sig`;
  afterEach(() => setRevealSecrets(false));

  it("shows the first 12 characters and the length", () => {
    expect(maskToken(token)).toBe(`eyJhbGciOiJS… (${token.length} characters)`);
    expect(maskToken(token)).not.toContain(token.slice(0, 13));
  });

  it("never shows more than a third of a short value", () => {
    expect(maskToken("abcdefghij")).toBe("abc… (10 characters)");
    expect(maskToken("ab")).toBe("… (2 characters)");
    expect(maskToken("a")).toBe("… (1 character)");
    expect(maskToken("")).toBe("… (0 characters)");
  });

  it("reveals the token when asked, per call or for the whole run (--show-secrets)", () => {
    expect(revealSecrets()).toBe(false);
    expect(maskToken(token, { reveal: true })).toBe(token);
    setRevealSecrets(true);
    expect(revealSecrets()).toBe(true);
    expect(maskToken(token)).toBe(token);
    expect(maskToken(token, { reveal: false })).toMatch(/^eyJhbGciOiJS… /);
  });
});
