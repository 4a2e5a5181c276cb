// What a path of the rendered tree may hold: '/'-separated entries that are each a plain name, so a
// file can never land outside dist/ (nor outside its environment's folder in git), nor in a .git folder.

/** Why `name` cannot be one entry (file or folder name) of the rendered tree, or undefined when it can. */
export function treeEntryProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return `is '${name}'`;
  if (name.toLowerCase() === '.git') return "is '.git'";
  if (name.includes('/')) return "contains '/'";
  if (name.includes('\0')) return 'contains NUL';
  return undefined;
}

/** Why `path` is not a plain relative path of the rendered tree ('dev/web/shop/x.yaml'), or undefined. */
export function treePathProblem(path: string): string | undefined {
  for (const entry of path.split('/')) {
    const problem = treeEntryProblem(entry);
    if (problem) return `its entry ${JSON.stringify(entry)} ${problem}`;
  }
  return undefined;
}

/**
 * Where an environment's manifest lives: beside its folder, never inside it, so `kubectl -R -f dist/<env>` reads
 * only objects. Environment names hold no '.', so it cannot be another environment's folder.
 */
export function manifestPath(env: string): string {
  return `${env}.manifest.json`;
}

/** Where an environment's health rules live (written only when the project has rules): beside its folder, like its manifest. */
export function healthRulesPath(env: string): string {
  return `${env}.health-rules.json`;
}
