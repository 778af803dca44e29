/**
 * The languages of the tutorial (its pages are docs/en/ and docs/zh-CN/), for texts that tools show in either.
 */

export const LANGUAGES = ["en", "zh-CN"] as const;

/** `en` or `zh-CN`: a folder of docs/. */
export type Language = (typeof LANGUAGES)[number];

/** A text in every language of the tutorial. */
export type Texts = Readonly<Record<Language, string>>;
