// Where in the project an error was thrown, from its stack (mapped to the TypeScript source by the bundles' source maps).
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Stack frames inside the project (not node_modules), as repo-relative TS locations. */
function projectFrames(root: string, error: unknown): string[] {
  const stack = error instanceof Error ? error.stack ?? '' : '';
  const frames: string[] = [];
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/gm)) {
    const file = m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1];
    const rel = relative(root, file).split(sep).join('/');
    if (rel.startsWith('..') || rel.includes('node_modules') || rel.startsWith('.gitops-cache')) continue;
    frames.push(`${rel}:${m[2]}:${m[3]}`);
  }
  return frames;
}

/** Where in the project (repo-relative TS file:line:column) an error was thrown, when its stack says. */
export function throwSite(root: string, error: unknown): string | undefined {
  return projectFrames(root, error)[0];
}

export function projectStack(root: string, error: unknown): string {
  const frames = projectFrames(root, error);
  return frames.length > 1 ? `\n      at ${frames.join('\n      at ')}` : '';
}
