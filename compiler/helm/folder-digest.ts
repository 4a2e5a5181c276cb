// The digest of a chart folder of the project: every file's path and content (read through readSynthInput, so the
// synth cache knows the app depends on them), within limits, so a chart folder cannot make synth unbounded.
import { lstatSync, readdirSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileListDigest, readSynthInput, recordSynthInput, sha256Of } from '../../lib/synth-inputs.ts';

const FOLDER_LIMITS = { files: 2_000, bytes: 32 * 1024 * 1024 } as const;

/** `sha256:<hex>` over the sorted paths and contents of the files under `folder` (repo-relative). */
export function folderDigest(root: string, folder: string): string {
  const lines: string[] = [];
  const files = listFiles(root, folder);
  let bytes = 0;
  for (const file of files) {
    const content = readSynthInput(file);
    bytes += content.length;
    if (bytes > FOLDER_LIMITS.bytes) throw new Error(`chart folder ${folder} holds more than ${FOLDER_LIMITS.bytes / 1024 / 1024} MiB`);
    lines.push(`${posix.relative(folder, file)}\0${sha256Of(content)}\n`);
  }
  recordSynthInput(`${folder}/`, fileListDigest(files.map((file) => posix.relative(folder, file)))); // a file added to the chart runs the app again
  return `sha256:${sha256Of(lines.join(''))}`;
}

function listFiles(root: string, folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    const entries = readdirSync(join(root, dir), { withFileTypes: true });
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
      else throw new Error(`chart folder ${folder} holds ${path}, which is no regular file (a link?): put the file itself there`);
      if (files.length > FOLDER_LIMITS.files) throw new Error(`chart folder ${folder} holds more than ${FOLDER_LIMITS.files} files`);
    }
  };
  if (!lstatSync(join(root, folder), { throwIfNoEntry: false })?.isDirectory()) throw new Error(`chart folder ${folder} does not exist (or is not a folder) in the project`);
  walk(folder);
  return files;
}
