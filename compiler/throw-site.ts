// Where in the project an error was thrown, from its stack. A frame in an app's bundle (.gitops-cache/bundles/)
// is mapped to the TypeScript source through the bundle's inline source map, read only then: Node's own
// source-map support (process.setSourceMapsEnabled) would parse the maps of every module loaded, ~40 ms a run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { TraceMap } from '@jridgewell/trace-mapping';

const INLINE_MAP = '//# sourceMappingURL=data:application/json;base64,';
const maps = new Map<string, TraceMap | undefined>();

type TraceMapping = typeof import('@jridgewell/trace-mapping');
let loaded: TraceMapping | undefined;
/** The source-map reader, loaded by the first error that needs it: most runs have none (~15 ms saved). */
const traceMapping = (): TraceMapping => (loaded ??= createRequire(import.meta.url)('@jridgewell/trace-mapping') as TraceMapping);

/** The inline source map of a bundle file, once read; undefined when it has none (or cannot be read). */
function mapOf(file: string): TraceMap | undefined {
  if (!maps.has(file)) {
    let map: TraceMap | undefined;
    try {
      const text = readFileSync(file, 'utf8');
      const at = text.lastIndexOf(INLINE_MAP);
      if (at >= 0) map = new (traceMapping().TraceMap)(Buffer.from(text.slice(at + INLINE_MAP.length).trim(), 'base64').toString('utf8'), pathToFileURL(file).href);
    } catch {
      map = undefined; // no map to read (or no reader): the frame stays as it is
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** The frame's place in the source the bundle was made from, when `file` is a bundle with a map that knows it. */
function original(file: string, line: number, column: number): { file: string; line: number; column: number } {
  if (!file.includes(`${sep}.gitops-cache${sep}bundles${sep}`)) return { file, line, column };
  const map = mapOf(file);
  const found = map && traceMapping().originalPositionFor(map, { line, column: column - 1 });
  if (!found?.source || found.line === null) return { file, line, column };
  const source = found.source.startsWith('file:') ? fileURLToPath(found.source) : found.source;
  return { file: source, line: found.line, column: found.column + 1 };
}

/** Stack frames inside the project (not node_modules), as repo-relative TS locations. */
function projectFrames(root: string, error: unknown): string[] {
  const stack = error instanceof Error ? error.stack ?? '' : '';
  const frames: string[] = [];
  for (const m of stack.matchAll(/\(?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/gm)) {
    const at = original(m[1].startsWith('file:') ? fileURLToPath(m[1]) : m[1], Number(m[2]), Number(m[3]));
    const rel = relative(root, at.file).split(sep).join('/');
    if (rel.startsWith('..') || rel.includes('node_modules') || rel.startsWith('.gitops-cache')) continue;
    frames.push(`${rel}:${at.line}:${at.column}`);
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
