// `gitops synth --watch`: re-runs the compiler when a file under the project changes. The Compiler
// keeps its results, so only apps whose bundle inputs, or files they read, changed are synthesized again.
// The type-check runs after the files are written, so a save shows up in dist/ at once.
import { watch as watchFiles } from 'node:fs';
import { resolve } from 'node:path';
import { Compiler, type CompileOptions, type CompileOutcome } from './compile.ts';
import { findPackageRoot } from '../core/bundle.ts';
import { formatError } from '../core/errors.ts';
import { formatDiagnostic } from './format.ts';
import { CONFIG_FILE } from '../core/load-config.ts';
import { typecheck } from './typecheck.ts';

const IGNORED = /(^|[\\/])(node_modules|\.git|\.gitops-cache|dist)([\\/]|$)/;

export interface Watcher {
  close(): void;
}

export function watch(options: CompileOptions, onResult: (outcome: CompileOutcome) => void, onError = (e: unknown) => console.error(formatError(e))): Watcher {
  const root = resolve(options.root);
  let compiler = new Compiler({ ...options, typecheck: false });
  let running: Promise<void> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;

  const runOnce = async () => {
    try {
      onResult(await compiler.run());
    } catch (error) {
      onError(error);
    }
    if (options.typecheck !== false) {
      typecheck(root, findPackageRoot(root)).then((errors) => errors.forEach((e) => console.error(formatDiagnostic(e))), onError);
    }
  };
  const trigger = () => {
    if (running) { again = true; return; }
    running = runOnce().finally(() => {
      running = undefined;
      if (again) { again = false; trigger(); }
    });
  };

  const watcher = watchFiles(root, { recursive: true }, (_event, file) => {
    if (!file || IGNORED.test(file)) return; // any file: an app may read it (Include); the Compiler reruns only what changed
    if (file === CONFIG_FILE) compiler = new Compiler({ ...options, typecheck: false });
    clearTimeout(timer);
    timer = setTimeout(trigger, 10); // editors write a file in several steps
  });
  trigger();
  return { close: () => { clearTimeout(timer); watcher.close(); } };
}
