import { describe, expect, it } from 'vitest';
import { explainAuthFailure, remoteWithoutCredentials } from './git-credentials.ts';

const basic = (userinfo: string) => `Authorization: Basic ${Buffer.from(userinfo).toString('base64')}`;

describe('remoteWithoutCredentials', () => {
  it('moves the userinfo of an http(s) URL, percent-decoded, into a header scoped to the plain URL', () => {
    expect(remoteWithoutCredentials('https://x-access-token:p%40ss@git.example/o/r.git', {})).toEqual({
      url: 'https://git.example/o/r.git',
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'http.https://git.example/o/r.git.extraHeader', GIT_CONFIG_VALUE_0: basic('x-access-token:p@ss') },
    });
    expect(remoteWithoutCredentials('https://tok@git.example/r.git', {}).env.GIT_CONFIG_VALUE_0).toBe(basic('tok:'));
  });

  it('appends to the GIT_CONFIG_* entries the environment already has', () => {
    const { env } = remoteWithoutCredentials('http://u:p@127.0.0.1:8080/r.git', { GIT_CONFIG_COUNT: '2' });
    expect([env.GIT_CONFIG_COUNT, env.GIT_CONFIG_KEY_2]).toEqual(['3', 'http.http://127.0.0.1:8080/r.git.extraHeader']);
  });

  it('leaves other URLs alone: no credentials, ssh (a user name is no secret), paths', () => {
    for (const url of ['https://git.example/r.git', 'ssh://deploy@git.example/r.git', 'git@github.com:o/r.git', '/srv/r.git']) {
      expect(remoteWithoutCredentials(url, {})).toEqual({ url, env: {} });
    }
  });

  it('says plainly that the server refused the credentials of the URL', () => {
    const remote = remoteWithoutCredentials('https://u:p@git.example/r.git', {});
    expect(explainAuthFailure("fatal: could not read Username for 'https://git.example': terminal prompts disabled", remote)).toMatch(/^the server refused the credentials in the URL/);
    expect(explainAuthFailure('fatal: could not read Username', remoteWithoutCredentials('https://git.example/r.git', {}))).toBe('fatal: could not read Username');
  });
});
