import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { accessKeyProblem, isAccessKey } from "../src/index.js";

/** Keys as `openssl rand -base64 N` makes them, for every padding: N = 1 … 64 bytes. */
const KEYS = Array.from({ length: 64 }, (_, i) => randomBytes(i + 1).toString("base64"));

describe("isAccessKey", () => {
  it("accepts the canonical base64 of any bytes, padded or not", () => {
    for (const key of KEYS) expect(isAccessKey(key), key).toBe(true);
    expect(isAccessKey("pw==")).toBe(true);
  });

  it("refuses AR==: its last character carries bits no byte has (Node would decode it as 'AQ==')", () => {
    expect(Buffer.from("AR==", "base64").toString("base64")).toBe("AQ==");
    expect(isAccessKey("AR==")).toBe(false);
    expect(accessKeyProblem("AR==")).toBe("it is not in canonical form (was it edited?)");
  });

  it("refuses every non-canonical spelling of a key, whatever its length", () => {
    for (const key of KEYS.filter((k) => k.endsWith("="))) {
      const last = key.replace(/=+$/, "").slice(-1);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const stray = alphabet.charAt((alphabet.indexOf(last) + 1) % 64); // sets a bit the padding drops
      const edited = key.replace(/.(=+)$/, `${stray}$1`);
      expect(isAccessKey(edited), edited).toBe(false);
    }
  });

  it.each([
    ["empty", "", "it is empty"],
    ["URL-safe", "ab-_cd==", "it uses '-' or '_' (URL-safe base64)"],
    ["with a space", "abcd efg=", "it contains characters a key never has"],
    ["with '=' inside", "ab=cdefg", "'=' may only appear at the end, once or twice"],
    ["with three '='", "abcde===", "'=' may only appear at the end, once or twice"],
    [
      "without its padding",
      "pw",
      "its length (2 characters) is not a multiple of 4; part of it is missing or extra",
    ],
    [
      "cut short",
      "abcdefg",
      "its length (7 characters) is not a multiple of 4; part of it is missing or extra",
    ],
  ])("refuses a key %s, and says why", (_, key, problem) => {
    expect(isAccessKey(key)).toBe(false);
    expect(accessKeyProblem(key)).toBe(problem);
  });

  it("has no problem with a key it accepts", () => {
    for (const key of KEYS) expect(accessKeyProblem(key)).toBeUndefined();
  });
});
