/**
 * The oldest Node.js the project runs on, and the one-line refusal for an older one. No imports: this must
 * load on any Node.js that can read an ES module, before anything that needs a newer one.
 */

/** The oldest supported Node.js, as in "engines" of every package.json: `>=20.19`. */
export const MINIMUM_NODE = "20.19";

/**
 * The one line to print when `version` (e.g. `process.versions.node`, "18.20.8") is older than
 * {@link MINIMUM_NODE}; `undefined` when it is recent enough.
 */
export function nodeTooOld(version) {
  const [major = 0, minor = 0] = String(version).replace(/^v/, "").split(".").map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE.split(".").map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return `This quickstart needs Node.js ${MINIMUM_NODE} or later (found ${version}). Install Node.js 22 LTS from https://nodejs.org/ (or \`nvm install 22\`), then run it again.`;
}
