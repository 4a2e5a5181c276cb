// A token in the remote URL never reaches a command line: every process's /proc/<pid>/cmdline is
// sampled while the agent's source talks to a real git http server that wants the token.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitError } from '../../core/errors.ts';
import { openSource } from '../../agent/source.ts';
import { addCommandLines } from '../helpers/command-lines.ts';
import { cleanUp as cleanUpHttp, startHttpGit } from '../publish/fixtures.ts';
import { cleanUp, renderedRemote, tempDir } from './fixtures.ts';

afterAll(() => { cleanUp(); cleanUpHttp(); });

const TOKEN = 'ghp_n0Leak5Token';

/** The command lines of all processes seen while `work` runs, sampled as often as the event loop allows. */
async function commandLinesDuring<T>(work: () => Promise<T>): Promise<{ result: T | unknown; lines: Set<string> }> {
  const lines = new Set<string>();
  let running = true;
  const sample = () => {
    addCommandLines(lines);
    if (running) setImmediate(sample);
  };
  sample();
  const result = await work().catch((error: unknown) => error);
  running = false;
  return { result, lines };
}

describe('credentials in the remote URL', () => {
  it.each([['user:token', `agent:${TOKEN}`], ['token alone', TOKEN]])('(%s) authenticate git through its environment, never its command line', async (_, userinfo) => {
    const remote = renderedRemote();
    const head = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const [user, password] = userinfo.includes(':') ? userinfo.split(':') : [TOKEN, ''];
    const http = await startHttpGit(remote.baseDir, user!, password!);
    const url = http.url('remote.git').replace('http://', `http://${userinfo}@`);
    const source = openSource({ url, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });

    const { result, lines } = await commandLinesDuring(() => source.update());
    expect(result).toEqual({ commit: head, fetched: true });
    const gitLines = [...lines].filter((line) => line.includes('127.0.0.1:') && /ls-remote|fetch|remote-http/.test(line));
    expect(gitLines.length).toBeGreaterThan(0); // the sampling saw git at work
    expect([...lines].filter((line) => line.includes(TOKEN))).toEqual([]);
  });

  it('fails clearly with a wrong token, which never shows in the error nor on a command line', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const http = await startHttpGit(remote.baseDir, 'agent', 'the-right-one');
    const source = openSource({ url: http.url('remote.git').replace('http://', `http://agent:${TOKEN}@`), branch: 'rendered', cacheDir: join(tempDir(), 'cache') });

    const { result: error, lines } = await commandLinesDuring(() => source.update());
    expect(error).toBeInstanceOf(GitError);
    expect((error as GitError).message).toContain(`looking for new commits (git ls-remote) of '${source.remote}'`);
    expect((error as GitError).message).toMatch(/Authentication failed/);
    expect(`${(error as GitError).message}\n${(error as GitError).subject.hint}`).not.toContain(TOKEN);
    expect([...lines].filter((line) => line.includes(TOKEN))).toEqual([]);
  });
});
