// The planner's rules, without a cluster.
import { describe, expect, it } from 'vitest';
import { refKey } from '../core/kinds.ts';
import { ownerLabels } from '../core/owner-labels.ts';
import { desiredSet } from './desired.ts';
import { plan } from './plan.ts';
import type { Inventory, InventoryEntry, LiveObject, ObjectRef } from './types.ts';
import { stringify } from 'yaml';

const options = { prune: true, allowEmpty: false };
const cm = (ns: string, name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: 'b' }, ...extra });
/** An object of app 'app' in dev as the compiler renders it: with its owner labels. */
const rendered = (o: any) => ({ ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...ownerLabels('app', 'dev') } } });
const revision = (objects: object[]) => desiredSet({
  commit: 'c0ffee', env: 'dev',
  files: new Map(objects.map((o: any, i) => [`app/${o.metadata.namespace ?? '_cluster'}/${i}.yaml`, stringify(rendered(o), { version: '1.1' })])),
});
const ref = (kind: string, namespace: string, name: string, group = ''): ObjectRef => ({ group, kind, namespace, name });
const entry = (r: ObjectRef, desiredHash = 'd', appliedHash = 'a'): InventoryEntry => ({ ref: r, apiVersion: r.group ? `${r.group}/v1` : 'v1', app: 'app', desiredHash, appliedHash });
const live = (...objects: LiveObject[]) => new Map(objects.map((o) => [refKey(o.ref), o]));
const owned = (r: ObjectRef, ownedHash = 'a', skipPrune = false): LiveObject => ({ ref: r, owned: true, ownedHash, skipPrune });

describe('plan', () => {
  it('creates what is missing, leaves what matches, configures what drifted or changed', () => {
    const desired = revision([cm('a', 'new'), cm('a', 'same'), cm('a', 'drifted'), cm('a', 'changed')]);
    const hash = (name: string) => desired.objects.find((d) => d.ref.name === name)!.hash;
    const inventory: Inventory = { env: 'dev', entries: ['same', 'drifted'].map((n) => entry(ref('ConfigMap', 'a', n), hash(n))).concat(entry(ref('ConfigMap', 'a', 'changed'), 'old')) };
    const p = plan(desired, inventory, live(owned(ref('ConfigMap', 'a', 'same')), owned(ref('ConfigMap', 'a', 'drifted'), 'other'), owned(ref('ConfigMap', 'a', 'changed'))), options);
    expect(p.apply.map((s) => [s.desired.ref.name, s.exists])).toEqual([['changed', true], ['drifted', true], ['new', false]]);
    expect(p.unchanged.map((s) => s.desired.ref.name)).toEqual(['same']);
    expect(p.prune).toEqual([]);
  });

  it('prunes what left git in reverse order, but never what it does not own or what is annotated to stay', () => {
    const ns = ref('Namespace', '', 'team');
    const inventory: Inventory = { env: 'dev', entries: [entry(ns), entry(ref('ConfigMap', 'team', 'x')), entry(ref('Deployment', 'team', 'web', 'apps')), entry(ref('ConfigMap', 'a', 'taken')), entry(ref('ConfigMap', 'a', 'kept')), entry(ref('ConfigMap', 'a', 'gone'))] };
    const p = plan(revision([cm('a', 'other')]), inventory, live(
      owned(ns), owned(ref('ConfigMap', 'team', 'x')), owned(ref('Deployment', 'team', 'web', 'apps')),
      { ref: ref('ConfigMap', 'a', 'taken'), owned: false, skipPrune: false },
      owned(ref('ConfigMap', 'a', 'kept'), 'a', true),
    ), options);
    expect(p.prune.map((s) => `${s.entry.ref.kind}/${s.entry.ref.name}`)).toEqual(['Deployment/web', 'ConfigMap/x', 'Namespace/team']);
    expect(p.skip.map((s) => [s.ref.name, s.reason])).toEqual([
      ['taken', expect.stringContaining('no longer carries our owner labels')],
      ['kept', expect.stringContaining('prune: disabled')],
      ['gone', 'left git and is no longer in the cluster with our owner labels (deleted by hand?); no longer tracked'],
    ]);
    expect(p.skip.every((s) => s.untrack)).toBe(true); // none is deleted, and all leave the inventory
  });

  it('does not apply over an object someone else owns', () => {
    const p = plan(revision([cm('a', 'theirs')]), { env: 'dev', entries: [] }, live({ ref: ref('ConfigMap', 'a', 'theirs'), owned: false, skipPrune: false }), options);
    expect(p.apply).toEqual([]);
    expect(p.skip[0].reason).toMatch(/already exists and is not managed by typed-gitops for dev/);
  });

  it('refuses an empty revision over a non-empty inventory unless allowed, and prunes nothing when pruning is off', () => {
    const inventory: Inventory = { env: 'dev', entries: [entry(ref('ConfigMap', 'a', 'x'))] };
    const current = live(owned(ref('ConfigMap', 'a', 'x')));
    expect(plan(revision([]), inventory, current, options).refusal).toMatch(/refusing to prune everything/);
    expect(plan(revision([]), inventory, current, { ...options, allowEmpty: true }).prune).toHaveLength(1);
    const off = plan(revision([cm('a', 'y')]), inventory, current, { ...options, prune: false });
    expect(off.prune).toEqual([]);
    expect(off.skip[0].reason).toBe('left git, but pruning is off');
  });

  it('orders applies by stage, wave, kind, namespace and name, whatever the input order', () => {
    const objects = [
      cm('b', 'z'), cm('a', 'z'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'a' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
      cm('a', 'late', { metadata: { name: 'late', namespace: 'a', annotations: { 'typed-gitops.dev/sync-wave': '5' } } }),
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.example.com' } },
    ];
    const names = (list: object[]) => plan(revision(list), { env: 'dev', entries: [] }, new Map(), options).apply.map((s) => `${s.desired.ref.kind}/${s.desired.ref.namespace}/${s.desired.ref.name}`);
    const expected = ['CustomResourceDefinition//x.example.com', 'Namespace//a', 'ConfigMap/a/z', 'ConfigMap/b/z', 'Deployment/a/d', 'ConfigMap/a/late'];
    expect(names(objects)).toEqual(expected);
    expect(names([...objects].reverse())).toEqual(expected);
  });
});
