// The policy rules of gitops.config.ts ('policy/resources-required', 'policy/no-latest-image',
// 'policy/readiness-probe'), each at the level the environment sets: off, warn or error.
import type { PolicyRule, ResolvedEnvironment } from '../../core/config.ts';
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { diagnose } from './diagnostic.ts';
import { record, str } from './json.ts';
import { containerLabel, containersOf, type ContainerAt, type PodTemplate } from './pod-templates.ts';

interface Violation {
  readonly message: string;
  readonly hint: string;
}

type PolicyCheck = (o: SynthObject, at: ContainerAt) => Violation | undefined;

const REQUIRED_RESOURCES = [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'cpu'], ['limits', 'memory']] as const;

const CHECKS: Readonly<Record<PolicyRule, PolicyCheck>> = {
  'resources-required': (_o, at) => {
    const resources = record(at.container.resources);
    const missing = REQUIRED_RESOURCES.filter(([section, name]) => record(resources?.[section])?.[name] === undefined);
    if (missing.length === 0) return undefined;
    return {
      message: `${containerLabel(at)} has no ${missing.map(([section, name]) => `resources.${section}.${name}`).join(', ')}`,
      hint: `Set ${at.path}.resources requests and limits for cpu and memory.`,
    };
  },
  'no-latest-image': (_o, at) => {
    const image = str(at.container.image);
    const problem = image === undefined ? undefined : latestProblem(image);
    if (!problem) return undefined;
    return { message: `${containerLabel(at)} image '${image}' ${problem}`, hint: 'Pin the image to a version tag or a digest (image@sha256:...).' };
  },
  'readiness-probe': (o, at) => {
    if (o.ref.group !== 'apps' || o.ref.kind !== 'Deployment' || at.init || at.container.readinessProbe !== undefined) return undefined;
    return { message: `${containerLabel(at)} has no readinessProbe`, hint: `Add ${at.path}.readinessProbe so that rollouts wait for ready pods.` };
  },
};

/** The containers of a workload's pod template against the policies the environment turns on. */
export function checkPolicies(o: SynthObject, env: ResolvedEnvironment, template: PodTemplate | undefined): Diagnostic[] {
  const active = (Object.keys(CHECKS) as PolicyRule[]).filter((rule) => env.policies[rule] !== 'off');
  if (!template || active.length === 0) return [];
  const out: Diagnostic[] = [];
  for (const at of containersOf(template)) {
    for (const rule of active) {
      const violation = CHECKS[rule](o, at);
      const severity = env.policies[rule] === 'error' ? 'error' : 'warn';
      if (violation) out.push(diagnose(o, { rule: `policy/${rule}`, severity, ...violation }));
    }
  }
  return out;
}

/** Why an image reference floats, or undefined when it is pinned by a tag or digest. */
function latestProblem(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const tagAt = image.indexOf(':', image.lastIndexOf('/') + 1);
  if (tagAt < 0) return 'has no tag, which means :latest';
  return image.slice(tagAt + 1) === 'latest' ? 'uses the :latest tag' : undefined;
}
