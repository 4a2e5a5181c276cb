// Synthesizes one bundled app for each environment it renders for: runs its build()
// against a fresh cdk8s App, runs construct validations once, and collects every ApiObject.
// (cdk8s's App.synth re-resolves the whole app for every chart; we resolve each object once.)
import { ApiObject, App } from 'cdk8s';
import { pathToFileURL } from 'node:url';
import { isAppDefinition, type AppDefinition, type RenderedKind } from '../lib/define-app.ts';
import type { ResolvedEnvironment } from '../core/config.ts';
import type { Bundle } from '../core/bundle.ts';
import type { AppEntry, Diagnostic, SynthObject, SynthResult } from '../core/types.ts';
import { formatRef, refOf } from '../core/kinds.ts';
import { collectSynthInputs, type SynthInputs } from '../lib/synth-inputs.ts';
import { sourceOf } from '../lib/include.ts';
import { isConstructInputError } from '../lib/input-error.ts';
import { patchedJson } from './patch-landing.ts';
import { projectStack, throwSite } from './throw-site.ts';

export async function loadAppDefinition(root: string, entry: AppEntry, bundle: Bundle): Promise<AppDefinition | Diagnostic> {
  const fail = (message: string, hint: string, sourceFile = entry.sourceFile): Diagnostic =>
    ({ severity: 'error', rule: 'app-load', app: entry.name, sourceFile, message, hint });
  let mod: { default?: unknown };
  try {
    mod = await import(pathToFileURL(bundle.bundleFile).href);
  } catch (error) {
    return fail(`loading the app threw: ${(error as Error).message}`, 'Fix the error at the top level of the app module.', throwSite(root, error) ?? entry.sourceFile);
  }
  if (!isAppDefinition(mod.default)) {
    return fail('the app file has no `export default defineApp({...})`', "Export the app: `export default defineApp({ name, build(app, env) {...} })` from 'typed-gitops/lib'.");
  }
  if (mod.default.name !== entry.name) {
    return fail(`the app is named '${mod.default.name}' but its file is named '${entry.name}'`, `Rename the file or set name: '${entry.name}'.`);
  }
  return mod.default;
}

export function synthApp(root: string, entry: AppEntry, definition: AppDefinition, env: ResolvedEnvironment, rendered?: readonly RenderedKind[]): SynthResult {
  const base = { app: entry.name, env: env.name, sourceFile: entry.sourceFile };
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const objects: SynthObject[] = [];
  const app = new App();
  const build = () => {
    definition.build(app, { name: env.name, values: env.values, rendered });
    for (const construct of app.node.findAll()) {
      for (const message of construct.node.validate()) {
        errors.push({ ...base, severity: 'error', rule: 'construct', constructPath: construct.node.path, message, hint: 'Fix the construct props named in the message.' });
      }
    }
    for (const construct of app.node.findAll()) {
      if (!ApiObject.isApiObject(construct)) continue;
      const { object, about, findings } = patchedJson(construct);
      const origin = { ...base, sourceFile: sourceOf(construct) ?? entry.sourceFile, constructPath: construct.node.path };
      for (const f of findings) (f.severity === 'warn' ? warnings : errors).push({ ...origin, severity: f.severity ?? 'error', rule: f.rule, message: f.message, hint: f.hint, object: formatRef(refOf(about)) });
      if (object) objects.push({ ...origin, ref: refOf(object), object });
    }
  };
  let inputs: SynthInputs = {};
  try {
    inputs = collectSynthInputs(root, build).inputs;
  } catch (error) {
    errors.push(isConstructInputError(error) ? {
      ...base,
      severity: 'error',
      rule: error.rule,
      sourceFile: error.sourceFile ?? throwSite(root, error) ?? entry.sourceFile,
      message: error.message,
      hint: error.hint,
    } : {
      ...base,
      severity: 'error',
      rule: 'app-threw',
      sourceFile: throwSite(root, error) ?? entry.sourceFile,
      message: `build() threw: ${(error as Error)?.message ?? String(error)}${projectStack(root, error)}`,
      hint: 'Fix the app code at the line named; the stack is mapped to the TypeScript source.',
    });
  }
  return { ...base, objects: errors.length > 0 ? [] : objects, errors, warnings, inputs };
}
