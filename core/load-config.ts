// Loads gitops.config.ts: bundles it like an app, imports it, and checks it (resolveConfig).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundleEntries } from './bundle.ts';
import { resolveConfig, type ResolvedConfig } from './config.ts';
import { declaresHealthRules } from './health-config.ts';
import { UserInputError } from './errors.ts';

export const CONFIG_FILE = 'gitops.config.ts';

export async function loadConfig(root: string): Promise<ResolvedConfig> {
  if (!existsSync(join(root, CONFIG_FILE))) {
    throw new UserInputError(`no ${CONFIG_FILE} in ${root}`, { file: CONFIG_FILE, hint: 'Run gitops in the project folder, or pass --root.' });
  }
  const bundles = await bundleEntries(root, [{ id: '_config', file: CONFIG_FILE }]);
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(bundles.get('_config')!.bundleFile).href);
  } catch (error) {
    throw new UserInputError(`loading the config threw: ${(error as Error).message}`, { file: CONFIG_FILE, hint: 'Fix the error in gitops.config.ts.' });
  }
  // CEL loads only for a config with health rules (~40 ms a run otherwise).
  const healthCheck = declaresHealthRules(mod.default) ? (await import('./health-rules.ts')).checkHealthRules : undefined;
  return resolveConfig(mod.default, CONFIG_FILE, readFileSync(join(root, CONFIG_FILE), 'utf8'), healthCheck);
}
