import { describe, expect, it } from 'vitest';
import { commitUrl } from './forge.ts';

const sha = '0123456789abcdef0123456789abcdef01234567';

describe('links to a commit on a known forge', () => {
  it('links https, ssh and scp-like remotes of GitHub, GitLab (with groups), Codeberg and Bitbucket', () => {
    expect(commitUrl('https://***@github.com/acme/shop.git', sha)).toBe(`https://github.com/acme/shop/commit/${sha}`);
    expect(commitUrl('git@github.com:acme/shop.git', sha)).toBe(`https://github.com/acme/shop/commit/${sha}`);
    expect(commitUrl('ssh://git@gitlab.com/acme/team/shop.git', sha)).toBe(`https://gitlab.com/acme/team/shop/-/commit/${sha}`);
    expect(commitUrl('https://codeberg.org/acme/shop', sha)).toBe(`https://codeberg.org/acme/shop/commit/${sha}`);
    expect(commitUrl('https://bitbucket.org/acme/shop.git', sha)).toBe(`https://bitbucket.org/acme/shop/commits/${sha}`);
  });

  it('gives nothing for another host, a local path, or a commit that is not a hex id', () => {
    expect(commitUrl('https://git.example.com/acme/shop.git', sha)).toBeUndefined();
    expect(commitUrl('/srv/git/shop.git', sha)).toBeUndefined();
    expect(commitUrl('https://github.com/acme/shop.git', 'javascript:alert(1)')).toBeUndefined();
    expect(commitUrl('https://github.com/acme/shop.git', undefined)).toBeUndefined();
    expect(commitUrl('https://github.com/acme/"><script>.git', sha)).toBeUndefined();
  });
});
