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
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { isBuiltin } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Where our own TypeScript lives: everything here is bundled; everything else is a package. */
const SOURCE_DIRS = ["packages", "samples", "scripts"];
const CACHE = join(ROOT, "node_modules", ".cache", "acs-quickstart");

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

/** Keeps each file's own import.meta.url (samples and the runner use it to find their files). */
const keepImportMeta = {
  name: "keep-import-meta",
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (!args.path.startsWith(ROOT) || args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const url = pathToFileURL(args.path).href;
      const contents = readFileSync(args.path, "utf8")
        .replaceAll("import.meta.url", JSON.stringify(url))
        .replaceAll("import.meta.dirname", JSON.stringify(dirname(args.path)))
        .replaceAll("import.meta.filename", JSON.stringify(args.path));
      return { contents, loader: "ts" };
    });
  },
};

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

async function bundle(entry, key) {
  const out = join(CACHE, `${entry.replaceAll(/[^\w]+/g, "-")}-${key}`);
  const main = join(out, "main.js");
  try {
    statSync(main);
    return main;
  } catch {}
  let esbuild;
  try {
    esbuild = await import("esbuild");
  } catch {
    return undefined;
  }
  const staging = `${out}.${process.pid}.tmp`;
  mkdirSync(CACHE, { recursive: true });
  await esbuild.build({
    entryPoints: { main: join(ROOT, entry) },
    outdir: staging,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // Resolve packages as Node does: no "module" condition, and "main" for packages without "exports".
    conditions: [],
    mainFields: ["main"],
    sourcemap: "inline",
    logLevel: "warning",
    plugins: [externalPackages, keepImportMeta],
  });
  try {
    renameSync(staging, out);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process built the same key first
  }
  // Bundles of this entry from older sources: removed once nothing can still be loading them (a day later).
  const prefix = `${entry.replaceAll(/[^\w]+/g, "-")}-`;
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    try {
      if (name.startsWith(prefix) && path !== out && Date.now() - statSync(path).mtimeMs > 86_400_000) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {} // another process pruned it first
  }
  return main;
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
const main = await bundle(entry, sourceKey(entry)).catch((error) => {
  if (Array.isArray(error.errors) && error.errors.length > 0) {
    // A mistake in the TypeScript (esbuild has printed where): tsx would only say it again, with a stack trace.
    process.stderr.write(`\n${entry} did not compile: fix the error shown above, then run it again.\n`);
    process.exit(1);
  }
  process.stderr.write(`(could not bundle ${entry}, running it through tsx: ${error.message})\n`);
  return undefined;
});
if (main) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(join(ROOT, entry)).href);
}
