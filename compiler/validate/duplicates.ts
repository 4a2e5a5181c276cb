// Rule 'duplicate-object': one identity (group/kind/namespace/name) rendered twice in one
// environment, which the cluster would keep only once.
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import type { EnvContext } from './context.ts';
import { diagnose } from './diagnostic.ts';

export function checkDuplicates(ctx: EnvContext): Diagnostic[] {
  return ctx.duplicates.map(({ object, first }) => diagnose(object, {
    rule: 'duplicate-object',
    message: `defined twice in environment ${ctx.env.name}: by app ${origin(first)} and by app ${origin(object)}`,
    hint: 'An object can have only one owner: rename one of them, or remove it from one app.',
  }));
}

function origin(o: SynthObject): string {
  return `${o.app} (${o.sourceFile}, construct ${o.constructPath})`;
}
