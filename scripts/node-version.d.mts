/** The oldest supported Node.js, as in "engines" of every package.json: `>=20.19`. */
export declare const MINIMUM_NODE: string;
/** The one line to print when `version` is older than {@link MINIMUM_NODE}; `undefined` when it is recent enough. */
export declare function nodeTooOld(version: string): string | undefined;
