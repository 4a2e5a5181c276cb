import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../core/types.ts';
import { validate } from './index.ts';
import { namespace, synthObject, testConfig } from './testing.ts';

const secret = (fields: Record<string, unknown>): K8sObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, ...fields });

function secretErrors(s: K8sObject, allowSecretData?: boolean) {
  const config = testConfig({ environments: { dev: { values: {}, ...(allowSecretData !== undefined && { allowSecretData }) } } });
  return validate([synthObject(namespace('shop')), synthObject(s)], config).errors.filter((d) => d.rule === 'secret-data');
}

describe('secret-data', () => {
  it('refuses a Secret with data or stringData, naming the keys', () => {
    const [error] = secretErrors(secret({ data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } }));
    expect(error).toMatchObject({
      severity: 'error', env: 'dev', app: 'web', object: 'Secret shop/db',
      message: 'Secret carries data (data.password, stringData.user) that would be committed in plain text',
    });
    expect(error?.hint).toContain("declare 'shop/db' in external.secrets");
    expect(error?.hint).toContain('environments.dev.allowSecretData: true');
  });

  it('accepts a Secret without data, or with data where the environment allows it', () => {
    expect(secretErrors(secret({ type: 'Opaque' }))).toEqual([]);
    expect(secretErrors(secret({ data: {} }))).toEqual([]);
    expect(secretErrors(secret({ data: { password: 'c2VjcmV0' } }), true)).toEqual([]);
  });
});
