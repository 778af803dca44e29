import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  accessKeyNote,
  accessKeyProblem,
  canonicalAccessKey,
  isAccessKey,
  isCanonicalAccessKey,
} from "../src/index.js";

/** Keys as `openssl rand -base64 N` makes them, for every padding: N = 1 … 64 bytes. */
const KEYS = Array.from({ length: 64 }, (_, i) => randomBytes(i + 1).toString("base64"));
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The bytes the SDK signs with: @azure/communication-common decodes the key with Buffer.from(key, "base64"). */
const sdkBytes = (key: string) => Buffer.from(key, "base64");

/** Spellings of `key` a copy can produce that Node decodes to the same bytes, each with its note. */
function sameBytesSpellings(key: string): [string, string, RegExp][] {
  const bytes = Buffer.from(key, "base64");
  const spellings: [string, string, RegExp][] = [
    ["with a line break inside", `${key.slice(0, 10)}\n${key.slice(10)}`, /spaces or line breaks/],
    ["with spaces inside", key.replace(/(.{4})/g, "$1 "), /spaces or line breaks/],
    ["with a trailing ';'", `${key};`, /not base64, which decoding skips/],
    ["in quotes", `"${key}"`, /not base64, which decoding skips/],
  ];
  const urlSafe = bytes.toString("base64url");
  if (/[-_]/.test(urlSafe)) spellings.push(["URL-safe", urlSafe, /URL-safe/]);
  if (key.endsWith("=")) {
    spellings.push(["without padding", key.replace(/=+$/, ""), /lacks the '=' padding/]);
    spellings.push(["with extra padding", `${key}=`, /more '='/]);
    const last = key.replace(/=+$/, "").slice(-1);
    const stray = ALPHABET.charAt((ALPHABET.indexOf(last) + 1) % 64); // sets a bit the decoder drops
    spellings.push(["with spare bits set", key.replace(/.(=+)$/, `${stray}$1`), /last character/]);
  }
  return spellings;
}

describe("isAccessKey: what the SDK can sign with", () => {
  it("accepts the canonical base64 of any bytes, without a note", () => {
    for (const key of KEYS) {
      expect(isAccessKey(key), key).toBe(true);
      expect(isCanonicalAccessKey(key), key).toBe(true);
      expect(accessKeyProblem(key)).toBeUndefined();
      expect(accessKeyNote(key)).toBeUndefined();
    }
  });

  it("accepts every spelling that decodes to the same bytes, with a note saying how it differs", () => {
    for (const key of KEYS) {
      for (const [what, spelling, note] of sameBytesSpellings(key)) {
        // The premise: the SDK would sign with the portal key's own bytes, so the service would accept it.
        expect(sdkBytes(spelling).equals(sdkBytes(key)), `${what}: ${spelling}`).toBe(true);
        expect(isAccessKey(spelling), `${what}: ${spelling}`).toBe(true);
        expect(isCanonicalAccessKey(spelling), `${what}: ${spelling}`).toBe(false);
        expect(accessKeyNote(spelling), `${what}: ${spelling}`).toMatch(note);
        expect(canonicalAccessKey(spelling)).toBe(key);
      }
    }
  });

  it("AR== decodes as AQ== does: accepted, with a note", () => {
    expect(sdkBytes("AR==").equals(sdkBytes("AQ=="))).toBe(true);
    expect(isAccessKey("AR==")).toBe(true);
    expect(canonicalAccessKey("AR==")).toBe("AQ==");
    expect(accessKeyNote("AR==")).toBe("its last character is not the one the portal shows (was it edited?)");
  });

  it.each([
    ["empty", "", "it is empty"],
    ["of spaces", "  \n", "it is empty"],
    ["without base64 characters", "!!!!", "it has no base64 characters at all"],
    ["with '=' inside", "ab=cdefg", "'=' may only appear at the end (decoding stops at the first '=')"],
    [
      "cut short",
      "abcde",
      "its length (5 base64 characters, without padding) leaves one character alone: a character is missing or extra",
    ],
  ])("refuses a key %s, and says why", (_, key, problem) => {
    expect(isAccessKey(key)).toBe(false);
    expect(accessKeyProblem(key)).toBe(problem);
    expect(accessKeyNote(key)).toBeUndefined();
  });

  it("refuses any key that lost or gained one character (its bytes cannot be the key's)", () => {
    for (const key of KEYS) {
      const letters = key.replace(/=+$/, "");
      if (letters.length % 4 === 0) continue; // losing one then leaves 3 (mod 4): decodes, differently
      const cut = letters.slice(0, -1);
      const extra = `${letters}A`;
      for (const broken of [cut, extra].filter((k) => k.length % 4 === 1)) {
        expect(isAccessKey(broken), broken).toBe(false);
        expect(accessKeyProblem(broken)).toMatch(/missing or extra/);
      }
    }
  });

  it("refuses letters after '=': the decoder stops there and the key would lose its end", () => {
    for (const key of KEYS.filter((k) => k.length >= 8)) {
      const broken = `${key.slice(0, 4)}=${key.slice(4)}`;
      expect(sdkBytes(broken).length).toBeLessThan(sdkBytes(key).length);
      expect(isAccessKey(broken), broken).toBe(false);
    }
  });

  it("never repeats the key in a problem or a note", () => {
    for (const key of KEYS.filter((k) => k.length > 8)) {
      for (const [, spelling] of sameBytesSpellings(key))
        expect(accessKeyNote(spelling)).not.toContain(key.slice(0, 8));
      expect(accessKeyProblem(`${key.slice(0, 4)}=${key.slice(4)}`)).not.toContain(key.slice(0, 8));
    }
  });
});
