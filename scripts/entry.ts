/**
 * What every entry of the root package.json does around its command: exit with the command's code once the
 * output is flushed, and turn anything unexpected into one clear line (a stack trace only with DEBUG=1).
 */
export function runEntry(name: string, command: () => Promise<number>): void {
  const exit = (code: number) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 50).unref();
  };
  command().then(exit, (error: unknown) => {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    process.stderr.write(`${name} stopped unexpectedly: ${text}\n`);
    if (process.env.DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    exit(1);
  });
}
