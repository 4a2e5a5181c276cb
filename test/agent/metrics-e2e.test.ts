// /metrics and /readyz of a real agent process reconciling the real control plane: the exposition
// parses strictly, and its values move after a reconcile of a new commit.
import { afterAll, describe, expect, it } from 'vitest';
import { cleanUp, renderedRemote } from '../agent-source/fixtures.ts';
import { parsePrometheusText, type Exposition } from '../helpers/prometheus-text.ts';
import { useTestNamespace } from '../setup/cluster.ts';
import { startAgentProcess, type AgentProcess } from './agent-process.ts';
import { configMap, renderedYaml, uniqueName } from './harness.ts';

const ns = useTestNamespace({ prefix: 'metrics' });
let agent: AgentProcess | undefined;
afterAll(() => { agent?.kill(); cleanUp(); });

describe('/metrics and /readyz', () => {
  it('counts reconciles, objects by action and health, API requests and git fetches, and names the applied revision', async () => {
    const env = uniqueName('env');
    const remote = renderedRemote();
    const file = (name: string) => `${env}/web/${ns.name}/configmap-${name}.yaml`;
    const yaml = (name: string, value: string) => renderedYaml(env, 'web', configMap(ns.name, name, { value }));
    const first = remote.commit({ [file('a')]: yaml('a', '1'), [file('b')]: yaml('b', '1') }, 'a'.repeat(40));
    agent = await startAgentProcess(ns, remote.path, env);
    await agent.applied(first);
    const scrape = async (): Promise<Exposition> => {
      const answer = await fetch(`${agent!.url}/metrics`); // no secret needed: no object names, no errors
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(await answer.text());
    };
    const requests = (m: Exposition) => m.samples.filter((s) => s.name === 'typed_gitops_api_requests_total').reduce((n, s) => n + s.value, 0);

    const before = await scrape();
    expect(before.types.get('typed_gitops_reconcile_duration_seconds')).toBe('histogram');
    expect(before.value('typed_gitops_reconcile_duration_seconds_count', { result: 'success' })).toBe(1);
    expect(before.value('typed_gitops_object_actions_total', { action: 'created' })).toBe(2);
    expect(before.value('typed_gitops_object_actions_total', { action: 'configured' })).toBe(0);
    expect(before.value('typed_gitops_objects', { health: 'Healthy' })).toBe(2);
    expect(before.value('typed_gitops_info', { env, revision: first, source_commit: 'a'.repeat(40) })).toBe(1);
    expect(before.value('typed_gitops_api_requests_total', { verb: 'PATCH', code: '200' })).toBeGreaterThan(0);
    expect(before.value('typed_gitops_git_fetch_duration_seconds_count')).toBe(1);
    expect(before.value('typed_gitops_git_fetch_errors_total')).toBe(0);
    expect(before.value('typed_gitops_source_head_age_seconds')).toBeGreaterThanOrEqual(0);
    const ready = await fetch(`${agent.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, role: 'leader' });

    const second = remote.commit({ [file('a')]: yaml('a', '2'), [file('c')]: yaml('c', '1') }, 'b'.repeat(40));
    await agent.check();
    await agent.applied(second);
    const after = await scrape();
    // Reconciles of the same revision may follow (the watch sees our own writes); they change nothing.
    expect(after.value('typed_gitops_reconcile_duration_seconds_count', { result: 'success' })).toBeGreaterThan(before.value('typed_gitops_reconcile_duration_seconds_count', { result: 'success' }));
    expect(after.value('typed_gitops_object_actions_total', { action: 'created' })).toBe(3);
    expect(after.value('typed_gitops_object_actions_total', { action: 'configured' })).toBe(1);
    expect(after.value('typed_gitops_objects', { health: 'Healthy' })).toBe(3);
    expect(after.samples.filter((s) => s.name === 'typed_gitops_info')).toEqual([{ name: 'typed_gitops_info', labels: { env, revision: second, source_commit: 'b'.repeat(40) }, value: 1 }]);
    expect(after.value('typed_gitops_git_fetch_duration_seconds_count')).toBeGreaterThan(before.value('typed_gitops_git_fetch_duration_seconds_count'));
    expect(requests(after)).toBeGreaterThan(requests(before));
  }, 120_000);
});
