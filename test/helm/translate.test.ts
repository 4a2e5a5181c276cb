// The pure parts of HelmChart: helm's output split into documents, hooks translated, sources parsed, the lock file.
import { describe, expect, it } from 'vitest';
import { chartSource, lockKey } from '../../compiler/helm/chart-source.ts';
import { translateHooks } from '../../compiler/helm/hooks.ts';
import { chartDocuments } from '../../compiler/helm/manifests.ts';
import { valuesTypeFile, valuesTypeName } from '../../compiler/helm/values-types.ts';
import { parseLock, serializeLock } from '../../compiler/lock-file.ts';
import type { K8sObject } from '../../core/types.ts';

const hooked = (annotations: Record<string, string>, kind = 'Job'): K8sObject => ({ apiVersion: 'batch/v1', kind, metadata: { name: 'x', annotations } });

describe('chartDocuments', () => {
  it('names each document by its template and index, inheriting the template across --- inside one file', () => {
    const out = '---\n# Source: shop/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b }\n---\n# Source: shop/templates/empty.yaml\n---\n# Source: shop/crds/c.yaml\napiVersion: v1\nkind: Secret\nmetadata: { name: c }\n';
    expect(chartDocuments(out).map((d) => `${d.source}#${d.index} ${d.object.metadata.name}`)).toEqual([
      'shop/templates/a.yaml#0 a', 'shop/templates/a.yaml#1 b', 'shop/crds/c.yaml#0 c',
    ]);
  });

  it('refuses a document that is no object, naming the template', () => {
    expect(() => chartDocuments('---\n# Source: shop/templates/notes.yaml\njust text\n')).toThrow('template shop/templates/notes.yaml, document 0: not a Kubernetes object');
    expect(() => chartDocuments('---\n# Source: shop/templates/bad.yaml\na: [\n')).toThrow(/template shop\/templates\/bad.yaml, document 0: not valid YAML/);
  });
});

describe('translateHooks', () => {
  it('orders install hooks before and after the rest by their weight, re-creating hook Jobs', () => {
    expect(translateHooks(hooked({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-weight': '3', 'helm.sh/hook-delete-policy': 'hook-succeeded' }), 't')?.metadata.annotations)
      .toEqual({ 'typed-gitops.dev/sync-wave': '-997', 'typed-gitops.dev/recreate': 'true' });
    expect(translateHooks(hooked({ 'helm.sh/hook': 'post-upgrade', a: 'b' }, 'ConfigMap'), 't')?.metadata.annotations).toEqual({ a: 'b', 'typed-gitops.dev/sync-wave': '1000' });
  });

  it('drops test hooks and hooks that only run on delete or rollback, and keeps resource-policy keep from pruning', () => {
    expect(translateHooks(hooked({ 'helm.sh/hook': 'test' }), 't')).toBeUndefined();
    expect(translateHooks(hooked({ 'helm.sh/hook': 'pre-delete, post-rollback' }), 't')).toBeUndefined();
    expect(translateHooks(hooked({ 'helm.sh/resource-policy': 'keep' }, 'Secret'), 't')?.metadata.annotations).toEqual({ 'typed-gitops.dev/prune': 'disabled' });
    expect(translateHooks({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } }, 't')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
  });

  it('refuses an unknown hook or weight, naming the template', () => {
    expect(() => translateHooks(hooked({ 'helm.sh/hook': 'pre-instal' }), 'shop/templates/job.yaml')).toThrow("template shop/templates/job.yaml: helm hook 'pre-instal' is not one typed-gitops knows");
    expect(() => translateHooks(hooked({ 'helm.sh/hook': 'post-install', 'helm.sh/hook-weight': 'heavy' }), 'shop/templates/job.yaml')).toThrow("template shop/templates/job.yaml: helm.sh/hook-weight 'heavy' is not an integer");
  });
});

describe('chartSource', () => {
  it('tells a folder, a repository chart and an OCI reference apart, each with its lock key', () => {
    expect(lockKey(chartSource({ chart: './charts/shop/' }))).toBe('charts/shop');
    expect(lockKey(chartSource({ chart: 'podinfo', repo: 'https://charts.example.com/stable/', version: '6.5.0' }))).toBe('https://charts.example.com/stable/podinfo@6.5.0');
    expect(lockKey(chartSource({ chart: 'oci://ghcr.io/acme/charts/podinfo', version: 'v6.5.0' }))).toBe('oci://ghcr.io/acme/charts/podinfo@v6.5.0');
  });

  it('refuses what cannot be locked or lies outside the project, saying what to write', () => {
    expect(() => chartSource({ chart: 'podinfo', repo: 'https://charts.example.com' })).toThrow("chart 'podinfo' needs an exact version");
    expect(() => chartSource({ chart: 'podinfo', repo: 'https://charts.example.com', version: '^6.0.0' })).toThrow('is not an exact version');
    expect(() => chartSource({ chart: '../elsewhere' })).toThrow('is outside the project');
    expect(() => chartSource({ chart: 'https://example.com/chart.tgz' })).toThrow('give an oci:// reference');
    expect(() => chartSource({ chart: 'podinfo', repo: 'ftp://charts.example.com', version: '1.0.0' })).toThrow('is not an http(s) URL');
    expect(() => chartSource({ chart: 'podinfo', repo: 'https://user:token@charts.example.com', version: '1.0.0' })).toThrow('has credentials in its URL');
  });
});

describe('gitops.lock', () => {
  it('is the same bytes whatever the order of its charts, and reads back', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const text = serializeLock({ charts: { 'oci://x/b@1.0.0': { digest }, 'charts/a': { digest } } });
    expect(text).toBe(serializeLock({ charts: { 'charts/a': { digest }, 'oci://x/b@1.0.0': { digest } } }));
    expect(text.indexOf('charts/a')).toBeLessThan(text.indexOf('oci://x/b'));
    expect(parseLock(text)).toEqual({ charts: { 'charts/a': { digest }, 'oci://x/b@1.0.0': { digest } } });
  });

  it('refuses a malformed lock, saying what is wrong', () => {
    expect(() => parseLock('{')).toThrow('not valid JSON');
    expect(() => parseLock('{"version": 2, "charts": {}}')).toThrow('expected {"version": 1');
    expect(() => parseLock('{"version": 1, "charts": {"charts/a": {"digest": "md5:x"}}}')).toThrow("chart 'charts/a': digest must be");
  });
});

describe('values types', () => {
  it('are named for the chart and never leave imports/charts/', () => {
    expect(valuesTypeName('cert-manager')).toBe('CertManagerValues');
    expect(valuesTypeFile('cert-manager')).toBe('imports/charts/cert-manager.values.ts');
    expect(() => valuesTypeFile('../../apps/web')).toThrow('cannot name a file');
  });
});
