/**
 * A file that is whole or absent: it is written under a hidden temporary name
 * beside its target, checked there, synced to disk, linked into place without
 * replacing anything and the directory synced. A failure, a throwing check or
 * a kill at any moment leaves nothing at the target, so a reader never finds a
 * half-written file there (a half-written SQLite copy opens as an empty
 * database that passes integrity_check; a cut pg_dump archive may list fine).
 * Backups of both engines are published this way.
 */
import fs from 'node:fs';
import path from 'node:path';

/**
 * Runs `produce` with the temporary path to write and check, then publishes
 * it at `target`. A killed run's temporary (`.<name>.partial-<pid>`) is
 * removed by the next run to the same target.
 */
export async function publishVerifiedFile<T>(target: string, produce: (partial: string) => Promise<T>): Promise<T> {
  const finalPath = path.resolve(target);
  const dir = path.dirname(finalPath);
  fs.mkdirSync(dir, { recursive: true });
  // Before the refusal below, so that a run killed between publishing and
  // removing its temporary does not leave that temporary for good.
  removeStalePartials(dir, path.basename(finalPath));
  if (fs.existsSync(finalPath)) throw new Error(`Backup target already exists: ${target}`);
  // A dot name with no backup's extension, so no one takes it for a backup.
  const partial = path.join(dir, `${partialPrefix(path.basename(finalPath))}${process.pid}`);
  let published = false;
  try {
    const result = await produce(partial);
    fsyncPath(partial);
    publishNoClobber(partial, finalPath, target);
    published = true;
    // The new directory entry survives a power cut only once the directory is synced.
    fsyncPath(dir);
    return result;
  } catch (err) {
    if (published) fs.rmSync(finalPath, { force: true });
    removeWithCompanions(partial);
    throw err;
  }
}

const partialPrefix = (base: string) => `.${base}.partial-`;
/** A SQLite temporary may have a journal beside it while it is open. */
const COMPANIONS = ['', '-journal', '-wal', '-shm'];

function removeWithCompanions(file: string): void {
  for (const suffix of COMPANIONS) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** Temporaries (and their journals) left by killed runs for the same target; a running backup's are kept. */
function removeStalePartials(dir: string, base: string): void {
  const prefix = partialPrefix(base);
  for (const name of fs.readdirSync(dir)) {
    if (!name.startsWith(prefix)) continue;
    const m = /^(\d+)(-journal|-wal|-shm)?$/.exec(name.slice(prefix.length));
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || !processAlive(pid)) fs.rmSync(path.join(dir, name), { force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Flushes a file or a directory (its entries) to the disk. */
export function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Moves `from` to `to` unless `to` exists. link(2) fails with EEXIST instead of
 * replacing a file that appeared since the first look (rename(2) would replace
 * it silently). Filesystems without hard links (FAT on a USB drive) fall back
 * to a second look and rename.
 */
function publishNoClobber(from: string, to: string, shownAs: string): void {
  try {
    fs.linkSync(from, to);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new Error(`Backup target already exists: ${shownAs}`, { cause: err });
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    if (fs.existsSync(to)) throw new Error(`Backup target already exists: ${shownAs}`, { cause: err });
    fs.renameSync(from, to);
    return;
  }
  fs.unlinkSync(from);
}
