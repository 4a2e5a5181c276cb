// Rules 'service-selects-nothing' and 'missing-reference': Services that select no pods,
// Ingresses to a missing Service or port, and pod templates that use a ConfigMap, Secret, PVC
// or ServiceAccount that neither this environment nor the config's external list provides.
import type { Diagnostic, SynthObject } from '../../core/types.ts';
import { find, type EnvContext, type Workload } from './context.ts';
import { diagnose } from './diagnostic.ts';
import { fieldPath, list, record, str, stringMap, type JsonRecord } from './json.ts';
import { podReferences, type PodReference, type ReferencedKind } from './pod-references.ts';

const EXTERNAL_KEY: Readonly<Record<ReferencedKind, keyof EnvContext['external']>> = {
  ConfigMap: 'configMaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentVolumeClaims',
  ServiceAccount: 'serviceAccounts',
};

export function checkReferences(ctx: EnvContext): Diagnostic[] {
  const byNamespace = new Map<string, Workload[]>();
  const byLabel = new Map<string, Workload[]>(); // 'namespace/key=value' -> the pod templates carrying it
  for (const w of ctx.workloads) {
    push(byNamespace, w.o.ref.namespace, w);
    for (const [k, v] of Object.entries(w.template.labels)) push(byLabel, `${w.o.ref.namespace}/${k}=${v}`, w);
  }
  const out: Diagnostic[] = [];
  for (const o of ctx.objects) {
    if (o.ref.group === '' && o.ref.kind === 'Service') out.push(...checkService(o, byNamespace.get(o.ref.namespace) ?? [], byLabel));
    if (o.ref.group === 'networking.k8s.io' && o.ref.kind === 'Ingress') out.push(...checkIngress(ctx, o));
  }
  const claims = statefulSetClaims(ctx.workloads);
  for (const w of ctx.workloads) {
    for (const ref of podReferences(w.o.object, w.template)) {
      const problem = missing(ctx, w.o.ref.namespace, ref, claims);
      if (problem) out.push(diagnose(w.o, { rule: 'missing-reference', ...problem }));
    }
  }
  return out;
}

function push<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** `inNamespace`: the workloads of the Service's namespace; `byLabel`: them by one label each, so a match is found without a scan. */
function checkService(o: SynthObject, inNamespace: readonly Workload[], byLabel: ReadonlyMap<string, readonly Workload[]>): Diagnostic[] {
  const spec = record(o.object.spec);
  const selector = stringMap(spec?.selector);
  const pairs = Object.entries(selector);
  if (spec?.type === 'ExternalName' || pairs.length === 0) return [];
  const [k0, v0] = pairs[0]!;
  const candidates = byLabel.get(`${o.ref.namespace}/${k0}=${v0}`) ?? [];
  if (candidates.some((w) => pairs.every(([k, v]) => w.template.labels[k] === v))) return [];
  // What the namespace's pods carry under the selector's keys, to spot the typo.
  const others = inNamespace.slice(0, 3).map((w) => {
    const shown = Object.fromEntries(pairs.filter(([k]) => k in w.template.labels).map(([k]) => [k, w.template.labels[k]!]));
    return `${w.o.ref.kind} ${w.o.ref.name} has ${Object.keys(shown).length > 0 ? formatLabels(shown) : 'none of these labels'}`;
  });
  return [diagnose(o, {
    rule: 'service-selects-nothing',
    message: `spec.selector ${formatLabels(selector)} matches no pod template in namespace ${o.ref.namespace || '(none)'}`,
    hint: others.length > 0
      ? `Fix spec.selector or the pod labels; pod templates there: ${others.join('; ')}.`
      : 'No workload in this namespace renders pods: add one, or fix the Service\'s namespace.',
  })];
}

function checkIngress(ctx: EnvContext, o: SynthObject): Diagnostic[] {
  const spec = record(o.object.spec);
  const backends: Array<[string, unknown]> = [['spec.defaultBackend', spec?.defaultBackend]];
  list(spec?.rules).forEach((rule, i) => list(record(record(rule)?.http)?.paths).forEach((p, j) => {
    backends.push([`spec.rules[${i}].http.paths[${j}].backend`, record(p)?.backend]);
  }));
  const out: Diagnostic[] = [];
  for (const [path, backend] of backends) {
    const service = record(record(backend)?.service);
    const name = str(service?.name);
    if (!service || !name) continue;
    const at = `${path}.service`;
    const target = find(ctx, { group: '', kind: 'Service', namespace: o.ref.namespace, name });
    if (!target) {
      out.push(diagnose(o, {
        rule: 'missing-reference',
        message: `${at}: Service '${name}' not found in namespace ${o.ref.namespace}`,
        hint: 'Add the Service to an app of this environment, or fix the backend\'s service name.',
      }));
      continue;
    }
    const problem = portProblem(record(service.port), target);
    if (problem) out.push(diagnose(o, { rule: 'missing-reference', message: `${at}.port: ${problem}`, hint: `Use one of the ports of Service ${o.ref.namespace}/${name}.` }));
  }
  return out;
}

/** Why an Ingress backend port does not name a port of the Service, or undefined when it does. */
function portProblem(port: JsonRecord | undefined, service: SynthObject): string | undefined {
  const ports = list(record(service.object.spec)?.ports).map((p) => record(p) ?? {});
  const has = ports.map((p) => (p.name ? `${String(p.name)} (${String(p.port)})` : String(p.port))).join(', ') || 'none';
  const name = service.ref.name;
  if (port?.name !== undefined && !ports.some((p) => p.name === port.name)) return `Service '${name}' has no port named '${String(port.name)}' (it has: ${has})`;
  if (port?.number !== undefined && !ports.some((p) => p.port === port.number)) return `Service '${name}' has no port ${String(port.number)} (it has: ${has})`;
  return undefined;
}

/** Names of the PVCs that StatefulSets create: '<template>-<statefulset>-<ordinal>', by namespace. */
function statefulSetClaims(workloads: readonly Workload[]): ReadonlyMap<string, RegExp[]> {
  const claims = new Map<string, RegExp[]>();
  for (const { o } of workloads) {
    if (o.ref.kind !== 'StatefulSet') continue;
    for (const t of list(record(o.object.spec)?.volumeClaimTemplates)) {
      const name = str(record(record(t)?.metadata)?.name);
      if (!name) continue;
      const patterns = claims.get(o.ref.namespace) ?? [];
      patterns.push(new RegExp(`^${escape(name)}-${escape(o.ref.name)}-\\d+$`));
      claims.set(o.ref.namespace, patterns);
    }
  }
  return claims;
}

function missing(ctx: EnvContext, namespace: string, ref: PodReference, claims: ReadonlyMap<string, RegExp[]>): { message: string; hint: string } | undefined {
  if (ref.optional) return undefined;
  const where = `${namespace}/${ref.name}`;
  const found = find(ctx, { group: '', kind: ref.kind, namespace, name: ref.name });
  if (found) return missingKey(ref, found);
  if (ctx.external[EXTERNAL_KEY[ref.kind]].includes(where)) return undefined;
  if (ref.kind === 'ServiceAccount' && ref.name === 'default') return undefined;
  if (ref.kind === 'PersistentVolumeClaim' && claims.get(namespace)?.some((p) => p.test(ref.name))) return undefined;
  const declare = `declare '${where}' in external.${EXTERNAL_KEY[ref.kind]} in gitops.config.ts`;
  return {
    message: `${ref.path}: ${ref.kind} '${ref.name}' not found in namespace ${namespace}`,
    hint: `Add the ${ref.kind} to an app of environment ${ctx.env.name}` +
      (ref.canBeOptional ? `, ${declare}, or mark the reference optional: true.` : ` or ${declare}.`),
  };
}

/** A ConfigMap key that the ConfigMap in the set does not have. */
function missingKey(ref: PodReference, found: SynthObject): { message: string; hint: string } | undefined {
  if (ref.kind !== 'ConfigMap' || ref.key === undefined) return undefined;
  const keys = [...Object.keys(record(found.object.data) ?? {}), ...Object.keys(record(found.object.binaryData) ?? {})];
  if (keys.includes(ref.key)) return undefined;
  return {
    message: `${fieldPath(ref.path, 'key')}: ConfigMap '${ref.name}' has no key '${ref.key}' (it has: ${keys.join(', ') || 'none'})`,
    hint: 'Add the key to the ConfigMap, fix the key, or mark the reference optional: true.',
  };
}

function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') || '(no labels)';
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
