// agent.verify and agent.allowRewind in gitops.config.ts: defaults, the mode implied by keys, and each
// wrong value an error naming its key.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.ts';

const agent = (settings: unknown) => resolveConfig({ environments: { dev: { values: {} } }, agent: settings }, 'gitops.config.ts').agent;

describe('agent.verify and agent.allowRewind', () => {
  it('default to no verification and never backwards', () => {
    expect(agent({})).toMatchObject({ allowRewind: false, verify: { mode: 'off', openpgpKeys: [] } });
    expect(agent({ allowRewind: true }).allowRewind).toBe(true);
  });

  it('verify the head when keys are given, unless turned off', () => {
    expect(agent({ verify: { allowedSigners: 'keys/allowed_signers' } }).verify).toEqual({ mode: 'head', allowedSigners: 'keys/allowed_signers', openpgpKeys: [] });
    expect(agent({ verify: { openpgpKeys: ['keys/ci.asc'], mode: 'off' } }).verify).toEqual({ mode: 'off', openpgpKeys: ['keys/ci.asc'] });
  });

  it('take the keys Secret and the settings ConfigMap by name', () => {
    expect(agent({ verify: { secret: 'platform/agent-keys' } }).verify).toEqual({ mode: 'head', secret: 'platform/agent-keys', openpgpKeys: [] });
    expect(agent({ settings: 'agent-settings' }).settings).toBe('agent-settings');
    expect(agent({}).settings).toBe('');
    expect(() => agent({ verify: { secret: '' } })).toThrow("agent.verify.secret: must name a Secret");
  });

  it('name each wrong key', () => {
    expect(() => agent({ verify: { mode: 'head' } })).toThrow("agent.verify: mode 'head' needs allowed keys");
    expect(() => agent({ verify: { mode: 'all', allowedSigners: 'a' } })).toThrow("agent.verify.mode: must be 'head' or 'off'");
    expect(() => agent({ verify: { openpgpKeys: 'one.asc' } })).toThrow('agent.verify.openpgpKeys: must be a list of paths');
    expect(() => agent({ verify: { keys: [] } })).toThrow('agent.verify.keys: unknown key');
    expect(() => agent({ allowRewind: 'yes' })).toThrow('agent.allowRewind: must be true or false');
  });

  it('agent.notify names the variables of the URL and the key, and nothing else', () => {
    expect(agent({}).notify).toBeUndefined();
    expect(agent({ notify: { urlEnv: 'NOTIFY_URL', secretEnv: 'NOTIFY_KEY' } }).notify).toEqual({ urlEnv: 'NOTIFY_URL', secretEnv: 'NOTIFY_KEY' });
    expect(() => agent({ notify: { urlEnv: 'https://hooks.example.com/x' } })).toThrow('agent.notify: must name the variable of the URL');
    expect(() => agent({ notify: { urlEnv: 'U', secretEnv: 'a-b' } })).toThrow('agent.notify.secretEnv: must name an environment variable');
    expect(() => agent({ notify: { urlEnv: 'U', url: 'x' } })).toThrow('agent.notify.url: unknown key');
  });
});
