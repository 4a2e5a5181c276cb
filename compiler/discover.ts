// Finds the app files under the apps folder: apps/<name>.ts or apps/<name>/index.ts.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AppEntry } from '../core/types.ts';
import { UserInputError } from '../core/errors.ts';

export function discoverApps(root: string, appsDir: string): AppEntry[] {
  const dir = join(root, appsDir);
  if (!existsSync(dir)) {
    throw new UserInputError(`apps folder '${appsDir}' does not exist`, { file: appsDir, hint: 'Create it, or set appsDir in gitops.config.ts.' });
  }
  const entries: AppEntry[] = [];
  for (const dirent of readdirSync(dir, { withFileTypes: true })) {
    if (dirent.isFile() && dirent.name.endsWith('.ts') && !dirent.name.endsWith('.d.ts') && !dirent.name.endsWith('.test.ts')) {
      entries.push({ name: dirent.name.slice(0, -3), sourceFile: `${appsDir}/${dirent.name}` });
    } else if (dirent.isDirectory() && existsSync(join(dir, dirent.name, 'index.ts'))) {
      entries.push({ name: dirent.name, sourceFile: `${appsDir}/${dirent.name}/index.ts` });
    }
  }
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
