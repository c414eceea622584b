import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { create } from "tar";
import { UsageError } from "../output.js";

/** Never part of a slug: version control and gantry's own local state. */
const SKIPPED = new Set([".git", ".gantry"]);

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !SKIPPED.has(entry.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return listFiles(root, path);
      return entry.isFile() || entry.isSymbolicLink() ? [relative(root, path)] : [];
    });
}

/**
 * A build directory as a gzipped tarball whose bytes depend only on the files' names, contents
 * and modes: sorted entries, no owners, one fixed time, no gzip timestamp. So packing the same
 * build twice gives the same checksum, and `gantry release create` can tell "already exists"
 * from "changed". node-tar writes the archive (git archive cannot pack files that are not committed).
 */
export async function packDirectory(dir: string): Promise<Buffer> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) throw new UsageError(`--dir ${dir} is not a directory; give the app's build directory.`);
  const files = listFiles(dir);
  if (files.length === 0) throw new UsageError(`--dir ${dir} is empty; build the app into it first.`);
  const chunks: Buffer[] = [];
  const stream = create({ cwd: dir, portable: true, noMtime: false, mtime: new Date(0), gzip: false }, files);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
  return gzipSync(Buffer.concat(chunks), { level: 9 });
}
