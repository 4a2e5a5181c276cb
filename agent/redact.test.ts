import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.ts';

describe('redactSecrets', () => {
  it('hides tokens, refresh tokens, passwords, Bearer values, JWTs and URL userinfo', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const text = [
      'error: refresh failed: refresh_token=rt-123&client_id=kubectl',
      'password: hunter2', '{"access_token": "at-456", "expires_in": 3600}',
      'Authorization: Bearer bt-789', `got ${jwt}`, 'POST https://user:pw-000@idp.example/token',
    ].join('\n');
    const out = redactSecrets(text);
    for (const secret of ['rt-123', 'hunter2', 'at-456', 'bt-789', jwt, 'pw-000']) expect(out).not.toContain(secret);
    expect(out).toContain('client_id=kubectl');
    expect(out).toContain('"expires_in": 3600');
    expect(out).toContain('https://***@idp.example/token');
  });

  it('trims and bounds the text', () => {
    expect(redactSecrets(`  ${'x'.repeat(3000)}\n`, 100)).toBe(`${'x'.repeat(100)}… (2900 more characters)`);
  });
});
