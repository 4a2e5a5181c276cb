// `git daemon` on 127.0.0.1 serving the bare repositories under a folder, for tests of git over git://.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort } from '../controlplane/ports.ts';

export interface GitDaemon {
  url(repo: string): string;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  restart(): Promise<void>;
}

/** Starts the daemon and waits until it accepts connections; `push` lets clients push (receive-pack). */
export async function startGitDaemon(baseDir: string, options: { push?: boolean } = {}): Promise<GitDaemon> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    const args = ['daemon', '--reuseaddr', '--listen=127.0.0.1', `--port=${port}`, '--export-all', ...(options.push ? ['--enable=receive-pack'] : []), `--base-path=${baseDir}`, baseDir];
    const started = spawn('git', args, { stdio: 'ignore' });
    child = started;
    for (let i = 0; !(await reachable(port)); i++) {
      if (i > 200 || started.exitCode !== null) throw new Error('git daemon did not start');
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  const stop = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return; // gone already (also by a signal, e.g. Ctrl-C)
    await new Promise<void>((resolve) => { running.once('exit', () => resolve()); running.kill(); });
  };
  await start();
  return { url: (repo) => `git://127.0.0.1:${port}/${repo}`, stop, restart: start };
}

function reachable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => { socket.end(); resolve(true); }).on('error', () => resolve(false));
  });
}
