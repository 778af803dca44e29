/**
 * Runs one of the project's TypeScript entry points fast, once launch.mjs has checked the Node.js version:
 * `node scripts/launch.mjs scripts/quickstart.ts [args]`.
 *
 * Our TypeScript (the samples, core, the emulator and the runner) is bundled once with esbuild, already installed
 * as a dependency of tsx, into node_modules/.cache/acs-quickstart/, and run as plain JavaScript. Transpiling on
 * every start costs about half a second; checking that the bundle is fresh costs about a millisecond. The
 * bundle is keyed by the path, size and modification time of every source file, so an edited sample is
 * rebuilt (in ~60 ms) on the next run: what runs is always the code in the folder. Third-party packages stay
 * outside the bundle and load from node_modules as usual. If esbuild is missing, the entry runs through tsx.
 *
 * Code that does not compile: the entry does not run (exit 1), and the message names the files with errors
 * (esbuild's messages first), not the entry. One exception keeps the exercises usable while a learner's attempt
 * does not compile: for an entry of TOLERANT (the exercise command), when every error is in a file under
 * samples/, the entry is bundled again with each such file replaced by its newest committed version that
 * compiles (`git show HEAD:<file>`, else the commits before, newest first: a learner may have committed an
 * attempt), into a folder of this process only (removed at exit; never under the normal key, which stands for
 * the files as they are). The errors are handed to the program in `globalThis[COMPILE_ERRORS]` before its bundle
 * is imported (not in process.env, which children would inherit); `npm run exercise -- verify` of that step then
 * fails with them without running, and `start`, `hint`, `solution`, `reset`, `list` work as usual. When no
 * committed version helps (no git, or none compiles), the errors are reported as for any entry.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where our own TypeScript lives: everything here is bundled; everything else is a package. */
const SOURCE_DIRS = ["packages", "samples", "scripts"];
const CACHE = join(ROOT, "node_modules", ".cache", "acs-quickstart");
/** The entries that still run when a sample does not compile (see the module's comment). */
const TOLERANT = new Set(["scripts/exercise.ts"]);
/** Where a TOLERANT entry finds the samples' compile errors (scripts/exercise.ts reads it). */
const COMPILE_ERRORS = Symbol.for("acs-quickstart.compile-errors");

function sources(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "test" || entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, found);
    else if (entry.name.endsWith(".ts") || entry.name === "package.json") found.push(path);
  }
  return found;
}

/** A key that changes whenever any source file does. */
function sourceKey(entry) {
  // The folder itself (a moved or copied clone must not reuse bundles that point into the old one), the Node
  // line, the installed packages (the lockfile), and every source file.
  const hash = createHash("sha256").update(`${ROOT}\n${entry}\n${process.version.split(".")[0]}\n`);
  for (const file of ["package.json", "package-lock.json"]) {
    try {
      const { size, mtimeMs } = statSync(join(ROOT, file));
      hash.update(`${file}:${size}:${mtimeMs}\n`);
    } catch {}
  }
  // The entry itself, wherever it lives (a test fixture too), and every source file.
  const files = [join(ROOT, entry), ...SOURCE_DIRS.flatMap((dir) => sources(join(ROOT, dir)).sort())];
  for (const file of files) {
    const { size, mtimeMs } = statSync(file);
    hash.update(`${relative(ROOT, file)}:${size}:${mtimeMs}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * Keeps each file's own import.meta.url (samples and the runner use it to find their files). `replaced` gives
 * other contents for some files (absolute path -> contents): the committed version of a sample that does not
 * compile.
 */
function keepImportMeta(replaced = new Map()) {
  return {
    name: "keep-import-meta",
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, (args) => {
        if (!args.path.startsWith(ROOT) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const url = pathToFileURL(args.path).href;
        const contents = (replaced.get(args.path) ?? readFileSync(args.path, "utf8"))
          .replaceAll("import.meta.url", JSON.stringify(url))
          .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
          .replaceAll("import.meta.filename", JSON.stringify(args.path));
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * Our workspace packages are bundled; every other package stays external. An external is resolved from the
 * file that imports it, as Node would (a workspace may have packages of its own in its node_modules), and
 * imported by its file URL, so the bundle finds it wherever the bundle itself lives.
 */
const externalPackages = {
  name: "external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData?.resolving || args.path.startsWith("@acs-quickstart/")) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      const { path, errors } = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      return errors.length > 0 ? { errors } : { path: pathToFileURL(path).href, external: true };
    });
  },
};

/** Bundles `entry` into `outdir` (esbuild's errors are thrown, its warnings printed). */
async function build(esbuild, entry, outdir, replaced) {
  const result = await esbuild.build({
    absWorkingDir: ROOT, // messages name files from the root
    entryPoints: { main: join(ROOT, entry) },
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Resolve packages as Node does: no "module" condition, and "main" for packages without "exports".
    conditions: [],
    mainFields: ["main"],
    sourcemap: "inline",
    logLevel: "silent", // the messages are printed below, or handed to the entry
    plugins: [externalPackages, keepImportMeta(replaced)],
  });
  if (result.warnings.length > 0) await printMessages(esbuild, result.warnings, "warning");
}

async function printMessages(esbuild, messages, kind) {
  const color = Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;
  process.stderr.write((await esbuild.formatMessages(messages, { kind, color })).join(""));
}

const prefixOf = (entry) => `${entry.replaceAll(/[^\w]+/g, "-")}-`;

async function bundle(esbuild, entry, key) {
  const out = join(CACHE, `${prefixOf(entry)}${key}`);
  const main = join(out, "main.js");
  try {
    statSync(main);
    return main;
  } catch {}
  const staging = `${out}.${process.pid}.tmp`;
  mkdirSync(CACHE, { recursive: true });
  await build(esbuild, entry, staging);
  try {
    renameSync(staging, out);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process built the same key first
  }
  // Bundles of this entry from older sources (and committed-version bundles a killed process left): removed
  // once nothing can still be loading them (a day later).
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    try {
      if (
        name.startsWith(prefixOf(entry)) &&
        path !== out &&
        Date.now() - statSync(path).mtimeMs > 86_400_000
      ) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {} // another process pruned it first
  }
  return main;
}

/** A file of an esbuild message, from the root with `/`, or undefined when the message has no file. */
function fileOf(message) {
  return message.location?.file
    ? relative(ROOT, resolve(ROOT, message.location.file)).split(sep).join("/")
    : undefined;
}

/**
 * The newest committed version of `file` (from the root) that compiles: HEAD's, else the commits before that
 * changed it (at most 20), newest first. Undefined without git, or when none compiles.
 */
async function committedVersion(esbuild, file) {
  const git = (...args) =>
    execFileSync("git", ["-C", ROOT, ...args], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 16 << 20,
    });
  let commits;
  try {
    commits = ["HEAD", ...git("rev-list", "--max-count=20", "HEAD", "--", file).split("\n").filter(Boolean)];
  } catch {
    return undefined; // no git, or no history
  }
  for (const commit of commits) {
    let contents;
    try {
      contents = git("show", `${commit}:${file}`);
      await esbuild.transform(contents, { loader: "ts", logLevel: "silent" });
      return contents;
    } catch {} // not in that commit, or it does not compile there either
  }
  return undefined;
}

/**
 * For a TOLERANT entry whose build failed only in samples: the bundle made with the committed version of each
 * file with errors (in a folder of this process, removed at exit), and the errors as the entry reads them; or
 * undefined when that cannot be done.
 */
async function withCommittedSamples(esbuild, entry, errors) {
  const files = [...new Set(errors.map(fileOf))];
  if (!TOLERANT.has(entry) || !files.every((file) => file?.startsWith("samples/"))) return undefined;
  const replaced = new Map();
  for (const file of files) {
    const contents = await committedVersion(esbuild, file);
    if (contents === undefined) return undefined;
    replaced.set(join(ROOT, file), contents);
  }
  const out = join(CACHE, `${prefixOf(entry)}committed-${process.pid}-${Date.now()}`);
  mkdirSync(CACHE, { recursive: true });
  process.on("exit", () => rmSync(out, { recursive: true, force: true }));
  try {
    await build(esbuild, entry, out, replaced);
  } catch {
    return undefined; // the committed versions do not fit the rest as it is now
  }
  const compileErrors = await Promise.all(
    errors.map(async (error) => {
      const { line, column, lineText } = error.location;
      return {
        file: fileOf(error),
        line,
        // esbuild counts bytes from 0; people count characters from 1.
        column: Buffer.from(lineText, "utf8").subarray(0, column).toString("utf8").length + 1,
        text: error.text,
        shown: (await esbuild.formatMessages([error], { kind: "error", color: false })).join(""),
      };
    }),
  );
  return { main: join(out, "main.js"), compileErrors };
}

/** Code that does not compile: esbuild's messages, and the files to fix, named (exit 1). */
async function didNotCompile(esbuild, errors) {
  await printMessages(esbuild, errors, "error");
  const files = [...new Set(errors.map(fileOf).filter(Boolean))];
  const what = files.length > 0 ? files.join(", ") : entry;
  process.stderr.write(
    `\n${what} ${files.length > 1 ? "do" : "does"} not compile: fix the error${errors.length > 1 ? "s" : ""} shown above, then run it again.\n`,
  );
  if (files.some((file) => file.startsWith("samples/"))) {
    process.stderr.write(
      "If it is the file of an exercise you started, `npm run exercise -- reset STEP` puts the tutorial's code back\n" +
        "(your attempt is kept); `npm run exercise -- list` names the steps.\n",
    );
  }
  process.exit(1);
}

/** The entry's bundle (undefined: run it through tsx); what cannot compile is reported here. */
async function bundleOf(entry) {
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined;
  }
  try {
    return await bundle(esbuild, entry, sourceKey(entry));
  } catch (error) {
    if (!Array.isArray(error.errors) || error.errors.length === 0) {
      process.stderr.write(`(could not bundle ${entry}, running it through tsx: ${error.message})\n`);
      return undefined;
    }
    const committed = await withCommittedSamples(esbuild, entry, error.errors);
    if (!committed) return await didNotCompile(esbuild, error.errors); // (awaited: before the finally stops esbuild)
    globalThis[COMPILE_ERRORS] = committed.compileErrors;
    return committed.main;
  } finally {
    // esbuild's service process is not needed once the bundle is made: a long-running entry (the emulator)
    // must not keep it alive beside it.
    await esbuild.stop?.();
  }
}

const entry = process.argv[2];
if (!entry?.endsWith(".ts")) {
  process.stderr.write(
    "Usage: node scripts/launch.mjs <path of a .ts entry, from the repository root> [args]\n",
  );
  process.exit(2);
}
// The entry sees its own arguments, as if it had been started directly.
process.argv.splice(1, 2, join(ROOT, entry));
const main = await bundleOf(entry);
if (main) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(ROOT, entry)).href);
}
