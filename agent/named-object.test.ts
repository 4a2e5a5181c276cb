import { describe, expect, it } from 'vitest';
import { parseNamedObject } from './named-object.ts';

describe('parseNamedObject', () => {
  it("reads 'name' in the default namespace, or 'namespace/name'", () => {
    expect(parseNamedObject('deployer', 'gitops-system', 'agent.serviceAccount', 'ServiceAccount')).toEqual({ namespace: 'gitops-system', name: 'deployer' });
    expect(parseNamedObject('team-a/deploy.er', 'gitops-system', 'agent.serviceAccount', 'ServiceAccount')).toEqual({ namespace: 'team-a', name: 'deploy.er' });
  });

  it.each(['a/b/c', '/x', 'x/', 'Team/x', 'team/X', 'team/a_b', `${'a'.repeat(64)}/x`])('refuses %j, naming the key', (value) => {
    expect(() => parseNamedObject(value, 'gitops-system', '--service-account', 'ServiceAccount')).toThrow(`--service-account: ${JSON.stringify(value)} is not a ServiceAccount`);
  });
});

describe('parseNamedObject hints', () => {
  it('names the kind asked for in the error and its hint', () => {
    const refused = (() => { try { parseNamedObject('a/b/c', 'gitops-system', '--settings', 'ConfigMap'); } catch (error) { return error; } })();
    expect(refused).toMatchObject({ message: '--settings: "a/b/c" is not a ConfigMap', subject: { hint: expect.stringContaining("the ConfigMap's 'name'") } });
  });
});
