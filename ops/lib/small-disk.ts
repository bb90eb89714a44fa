import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A small filesystem of its own for PGlite's directory, so "the disk is full" can be made true
// for it alone: a tmpfs mount (needs root), or else a loop-mounted ext4 image.

const disks = new Set<SmallDisk>();

/** Unmounts and removes every small disk still mounted. */
export function destroyAllDisks(): void {
  for (const disk of disks) disk.destroy();
}

export class SmallDisk {
  private filler: string;

  private constructor(
    readonly dir: string,
    readonly kind: 'tmpfs' | 'ext4 image',
    private readonly image: string | null,
  ) {
    this.filler = join(dir, 'filler.bin');
    disks.add(this);
  }

  static create(sizeMb: number): SmallDisk {
    const dir = mkdtempSync(join(tmpdir(), 'rc-ops-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', dir], { stdio: 'pipe' });
      return new SmallDisk(dir, 'tmpfs', null);
    } catch (tmpfsError) {
      const image = `${dir}.img`;
      try {
        execFileSync('truncate', ['-s', `${sizeMb}M`, image]);
        execFileSync('mkfs.ext4', ['-q', '-F', image], { stdio: 'pipe' });
        execFileSync('mount', ['-o', 'loop', image, dir], { stdio: 'pipe' });
        return new SmallDisk(dir, 'ext4 image', image);
      } catch (loopError) {
        rmSync(image, { force: true });
        rmSync(dir, { recursive: true, force: true });
        throw new Error(
          `cannot make a small filesystem here: tmpfs (${(tmpfsError as Error).message.trim()}), loop ext4 (${(loopError as Error).message.trim()})`,
          { cause: loopError },
        );
      }
    }
  }

  /** Free bytes left for an unprivileged writer. */
  freeBytes(): number {
    const stats = statfsSync(this.dir);
    return stats.bavail * stats.bsize;
  }

  /** Fills the filesystem to the last byte with a filler file. */
  fill(): void {
    const fd = openSync(this.filler, 'a');
    try {
      for (const size of [1024 * 1024, 4096, 1]) {
        const chunk = Buffer.alloc(size, 0xab);
        for (;;) {
          try {
            if (writeSync(fd, chunk) < size) break;
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  /** Deletes the filler: the space is back. */
  free(): void {
    rmSync(this.filler, { force: true });
  }

  destroy(): void {
    if (!disks.delete(this)) return;
    try {
      execFileSync('umount', ['-l', this.dir], { stdio: 'pipe' });
    } catch {
      // not mounted
    }
    rmSync(this.dir, { recursive: true, force: true });
    if (this.image) rmSync(this.image, { force: true });
  }
}
