// Rule 'bounds': the compiler's mirror of the agent's bounds (core/bounds.ts), so a pull request shows an
// object the environment may not hold before it is published. Checked only where gitops.config.ts declares them.
import { boundsViolations } from '../../core/bounds.ts';
import type { Diagnostic } from '../../core/types.ts';
import type { EnvContext } from './context.ts';
import { diagnose } from './diagnostic.ts';

export function checkBounds(ctx: EnvContext): Diagnostic[] {
  const { bounds } = ctx.env;
  if (!bounds) return [];
  const objects = ctx.objects.filter((o) => typeof o.object.apiVersion === 'string'); // the schema rule reports the rest
  return boundsViolations(objects, bounds).map((v) => diagnose(v.of, {
    rule: v.rule,
    message: `${v.message}; the agent refuses the whole revision`,
    hint: `Move the object inside environments.${ctx.env.name}.bounds, or ask the platform team to widen them (the agent's own settings, not this branch).`,
  }));
}
