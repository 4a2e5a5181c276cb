// Hostile documents in a revision, against the real control plane: each is refused with the file, line
// and rule, the cluster keeps the last good revision (the namespace too, after a ConfigMap named '..'),
// and the next good revision applies.
import { CoreV1Api } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Revision } from '../../agent/types.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { configMap, reconcilerFor, revisionOf, uniqueName } from '../agent/harness.ts';

const ns = useTestNamespace({ prefix: 'hostile' });

const object = (name: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns.name}\n${extra}`;
const documents = (count: number) => Array.from({ length: count }, (_, i) => object(`c${i}`)).join('---\n');
// "Billion laughs": nine levels of nine aliases.
const bomb = () => object('bomb', `data:\n  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n${
  'bcdefghi'.split('').map((k, i) => `  ${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`).join('\n')}\n`);

// Few aliases, each repeating a large map: 7 MB once expanded, from a 0.7 MB file.
const wideAliases = () => object('wide', `data:\n  base: &b\n${Array.from({ length: 40_000 }, (_, i) => `    k${i}: v`).join('\n')}\n  copies: [${Array(10).fill('*b').join(', ')}]\n`);

/** Each hostile file, and what the refusal must say about it. */
const HOSTILE: ReadonlyArray<readonly [string, () => string, RegExp]> = [
  ['an alias bomb', bomb, /web\/hostile\.yaml:\d+: more than 100 aliases/],
  ['250,000 documents', () => documents(250_000), /web\/hostile\.yaml:149994: more than 25000 objects in the revision \(the objects limit/],
  ['one object over the objects limit (with keep.yaml)', () => documents(25_000), /web\/hostile\.yaml:149994: more than 25000 objects/],
  ['a document nested 1,500,000 deep (3 MB)', () => object('deep', `data: ${'['.repeat(1_500_000)}${']'.repeat(1_500_000)}\n`), /web\/hostile\.yaml:6: nested more than 64 levels deep/],
  ['aliases repeating a large map', wideAliases, /web\/hostile\.yaml:\d+: its aliases make it larger than 3145728 bytes/],
  ['a ConfigMap named ..', () => object('".."'), /web\/hostile\.yaml:1: metadata\.name "\.\." is invalid for a ConfigMap/],
  ['a ConfigMap named .', () => object('"."'), /web\/hostile\.yaml:1: metadata\.name "\." is invalid for a ConfigMap/],
];

describe('hostile documents', () => {
  it('refuses each hostile revision, naming file, line and rule, changes nothing, and then applies the next good one', async () => {
    const env = uniqueName('env');
    const agent = reconcilerFor(env, ns.name);
    const core = ns.kubeConfig.makeApiClient(CoreV1Api);
    const good = revisionOf(env, { web: [configMap(ns.name, 'keep')] });
    expect((await agent.reconcile(good)).errors).toEqual([]);
    const state = async () => ({
      namespace: (await core.readNamespace({ name: ns.name })).metadata?.uid,
      configMaps: (await core.listNamespacedConfigMap({ namespace: ns.name, labelSelector: `typed-gitops.dev/app=web,typed-gitops.dev/env=${env}` })).items
        .map((c) => [c.metadata?.name, c.metadata?.resourceVersion]),
    });
    const before = await state();

    for (const [what, text, says] of HOSTILE) {
      const hostile: Revision = { ...revisionOf(env, {}), files: new Map([...good.files, ['web/hostile.yaml', text()]]) };
      const result = await agent.reconcile(hostile);
      expect(result.ok, what).toBe(false);
      expect(result.errors.join('\n'), what).toMatch(says);
      expect(result.errors.join('\n'), what).not.toContain('internal error');
      expect(result.changes, what).toEqual([]);
      expect(await state(), what).toEqual(before);
    }

    const next = await agent.reconcile(revisionOf(env, { web: [configMap(ns.name, 'keep', { key: 'v2' }), configMap(ns.name, 'added')] }));
    expect(next.errors).toEqual([]);
    expect((await core.readNamespacedConfigMap({ name: 'keep', namespace: ns.name })).data).toEqual({ key: 'v2' });
    expect((await core.readNamespacedConfigMap({ name: 'added', namespace: ns.name })).metadata?.name).toBe('added');
  }, 180_000);
});
