/**
 * Options that npm took for itself. `npm run quickstart --list` (without `--`) makes npm read `--list` as one of
 * its own settings: the program gets nothing but `npm_config_list=true` in its environment. `--step ID`
 * sets `npm_config_step=true` and leaves `ID` as a stray argument; `--step=ID` sets
 * `npm_config_step=ID`. (npm's documented behaviour for unknown `--flags` before `--`: they become
 * `npm_config_*` variables of the scripts it runs.)
 */

/** A program's option as npm may have taken it: its long name, and whether it takes a value. */
export interface NpmTakableOption {
  readonly name: string;
  /** Present (e.g. `"ID"`) when the option takes a value. */
  readonly value?: string | undefined;
}

/**
 * The message that says what was meant (`Did you mean \`npm run emulator -- --port 0\`?`), or `undefined` when
 * npm took none of the program's options or the program was not started by npm.
 * @param env the program's environment (`npm_lifecycle_event`, `npm_config_*`)
 * @param argv the arguments that reached the program
 * @param options the program's options
 * @param program what the program is called in the message, e.g. "the quickstart"
 */
export function optionsTakenByNpm(
  env: NodeJS.ProcessEnv,
  argv: readonly string[],
  options: readonly NpmTakableOption[],
  program: string,
): string | undefined {
  if (env.npm_lifecycle_event === undefined) return undefined; // not started by npm
  const given = (o: NpmTakableOption) => env[`npm_config_${o.name.replaceAll("-", "_")}`];
  const taken = options.filter((o) => {
    const value = given(o);
    return value === "true" || (o.value !== undefined && value !== undefined && value !== "");
  });
  if (taken.length === 0) return undefined;
  // What reached the program: its own options (with their values), and the values npm left stray.
  const own: string[] = [];
  const strays: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") continue;
    if (!arg.startsWith("-")) {
      strays.push(arg);
      continue;
    }
    own.push(arg);
    const option = options.find((o) => `--${o.name}` === arg);
    if (option?.value && i + 1 < argv.length) own.push(argv[++i] as string);
  }
  const meant = taken.flatMap((o) => {
    const value = given(o);
    if (value !== "true") return [`--${o.name}`, value as string];
    return [`--${o.name}`, ...(o.value && strays.length > 0 ? [strays.shift() as string] : [])];
  });
  const script = env.npm_lifecycle_event === "start" ? "npm start" : `npm run ${env.npm_lifecycle_event}`;
  return (
    `npm took ${taken.map((o) => `--${o.name}`).join(" ")} for itself: options for ${program} go after \`--\`. ` +
    `Did you mean \`${script} -- ${[...meant, ...own, ...strays].join(" ")}\`?`
  );
}
