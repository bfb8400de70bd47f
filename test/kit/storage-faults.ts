import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Storage that fails under a running database, for the tests of SQLite's storage faults: a file made
 * immutable, and a small disk of its own that fills up.
 */

/**
 * Whether files can be made immutable here (`chattr +i`: root with CAP_LINUX_IMMUTABLE on ext4, xfs, btrfs…).
 * Permissions do not stop root, but the immutable attribute does: every write to the file fails with EPERM,
 * even through a descriptor opened before, which SQLite reports as SQLITE_IOERR_WRITE, as it would a
 * failing disk.
 */
export function canMakeImmutable(path: string): boolean {
  try {
    execFileSync("chattr", ["+i", path], { stdio: "ignore" });
    execFileSync("chattr", ["-i", path], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** A small filesystem of its own (tmpfs), mounted in a temporary folder, that can be filled to the last byte. */
export interface SmallDisk {
  /** The folder it is mounted on. */
  readonly folder: string;
  /** Fills what is left of it with a file of zeros, until the filesystem answers ENOSPC; returns the bytes written. */
  fill(): number;
  /** Deletes the file fill() wrote, which frees the space again. */
  free(): void;
  /** Unmounts it and deletes the folder; safe to call twice. */
  remove(): void;
}

/**
 * Mounts a tmpfs of `sizeKb` kilobytes on a fresh temporary folder; undefined where mounting is not
 * permitted (not root, or no CAP_SYS_ADMIN, as in most containers).
 */
export function mountSmallDisk(sizeKb: number): SmallDisk | undefined {
  const folder = mkdtempSync(join(tmpdir(), "clinic-disk-"));
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k,mode=0700`, "tmpfs", folder], { stdio: "ignore" });
  } catch {
    rmSync(folder, { recursive: true, force: true });
    return undefined;
  }
  const filler = join(folder, "filler");
  let mounted = true;
  return {
    folder,
    fill() {
      const chunk = Buffer.alloc(64 * 1024);
      const descriptor = openSync(filler, "a");
      let written = 0;
      try {
        // Smaller and smaller writes, down to one byte, so that not a byte is left.
        for (let size = chunk.length; size >= 1; ) {
          try {
            written += writeSync(descriptor, chunk, 0, size);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
            size = size === 1 ? 0 : Math.max(1, Math.floor(size / 4));
          }
        }
      } finally {
        closeSync(descriptor);
      }
      return written;
    },
    free: () => rmSync(filler, { force: true }),
    remove() {
      if (!mounted) return;
      execFileSync("umount", ["-l", folder], { stdio: "ignore" });
      mounted = false;
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
