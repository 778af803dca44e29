/**
 * Atomic writes, on `write-file-atomic`: the new content goes to a temporary file beside the target
 * (`<file>.<number>`), is flushed to disk (fsync), then renamed over the target. A reader, or a process
 * killed at any moment, sees the old content or the new one, never a mix or a cut; a failed write leaves the
 * old file as it was and removes its temporary file.
 */
import { mkdirSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import writeFileAtomic from "write-file-atomic";

export interface AtomicWriteOptions {
  /**
   * Permission bits of the file, e.g. `0o600` for a secret (applied exactly, whatever the umask). Default:
   * those of the file being replaced, or `0o666` less the umask for a new file.
   */
  mode?: number;
  /** Flush to disk before the rename (default `true`). Only for files nobody needs after a power cut. */
  fsync?: boolean;
}

/**
 * Replaces `file` with `data` (text is written as UTF-8) atomically, creating its folder if needed.
 * Writes to the same file from this process are applied one after the other, in call order.
 * @throws the `node:fs` error (ENOSPC, EACCES, EISDIR...); the old file is then unchanged.
 */
export function writeAtomic(
  file: string,
  data: string | Buffer,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const target = path.resolve(file);
  // The library queues writes by the file's real path only after resolving it (and mkdir comes first), so
  // two writes started back to back could finish in either order: chain them here, per file.
  const write = (pending.get(target) ?? Promise.resolve()).then(async () => {
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, data, libraryOptions(options));
  });
  const settled = write.catch(() => {});
  pending.set(target, settled);
  void settled.then(() => {
    if (pending.get(target) === settled) pending.delete(target);
  });
  return write;
}

/** The last write started for each file, settled or not. */
const pending = new Map<string, Promise<void>>();

/** {@link writeAtomic}, blocking this thread until the file is replaced. */
export function writeAtomicSync(file: string, data: string | Buffer, options: AtomicWriteOptions = {}): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileAtomic.sync(file, data, libraryOptions(options));
}

/** A fresh object per call: the library fills in the mode and owner of the file it replaces. */
function libraryOptions(options: AtomicWriteOptions): writeFileAtomic.Options {
  return {
    ...(options.mode === undefined ? {} : { mode: options.mode }),
    fsync: options.fsync ?? true,
  };
}
