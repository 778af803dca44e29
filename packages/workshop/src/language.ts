/**
 * Which of the tutorial's languages (core's LANGUAGES) a workshop command speaks.
 */
import { LANGUAGES, type Language } from "@acs-quickstart/core";

/**
 * `--lang` when given (an unknown value is a usage error, see {@link parseLanguage}), else the locale of the
 * environment as POSIX programs read it (`LC_ALL`, then `LC_MESSAGES`, then `LANG`): `zh…` is Chinese,
 * anything else English.
 */
export function pickLanguage(flag: string | undefined, env: NodeJS.ProcessEnv): Language {
  if (flag !== undefined) return parseLanguage(flag);
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || "";
  return /^zh\b/i.test(locale) ? "zh-CN" : "en";
}

/** `en` or `zh-CN` (also `zh`, any case). @throws {RangeError} naming the valid values. */
export function parseLanguage(value: string): Language {
  const found = LANGUAGES.find((language) => language.toLowerCase() === value.toLowerCase());
  if (found) return found;
  if (/^zh$/i.test(value)) return "zh-CN";
  throw new RangeError(`--lang must be one of ${LANGUAGES.join(", ")}, not '${value}'.`);
}
