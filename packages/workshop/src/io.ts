/**
 * Where a workshop command reads and writes: the process by default; tests run the commands in-process with
 * their own environment, streams and clock.
 */
export interface CommandIO {
  /** Default `process.env`; `.env` values are added to a copy for variables it does not have. */
  env?: NodeJS.ProcessEnv;
  /** The `.env` file, or `false` for none. Default `<repo root>/.env`. */
  envFile?: string | false;
  stdin?: NodeJS.ReadableStream;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown };
  /** The current time (tests fix it). */
  now?: () => Date;
}
