// The demo's CI: when main moves on the demo's git server, check it out, run `gitops publish`
// (synth, then one commit on the rendered branch) and call the agent's webhook, as a CI job
// with a webhook step would. One publish at a time; a failed one is reported, and the next
// push is published again.
import { git, gitops } from './commands.ts';
import type { DemoRepo } from './demo-repo.ts';

export interface CiEvent {
  readonly source: string;
  readonly ok: boolean;
  /** The last lines of publish's output, or its error. */
  readonly detail: string;
  readonly ms: number;
}

export interface CiLoop {
  /** Resolves with the outcome of publishing `source` (a commit of main). */
  published(source: string): Promise<CiEvent>;
  stop(): Promise<void>;
}

export function startCiLoop(repo: DemoRepo, hookUrl: () => string, onEvent: (e: CiEvent) => void, pollMs = 500): CiLoop {
  const events = new Map<string, CiEvent>();
  const waiters = new Map<string, ((e: CiEvent) => void)[]>();
  let seen = '';
  let stopped = false;
  const publish = async (source: string): Promise<CiEvent> => {
    const started = Date.now();
    try {
      await git(repo.ci, 'fetch', '--quiet', 'origin', 'main');
      await git(repo.ci, 'checkout', '--quiet', '--detach', source);
      const out = await gitops(['publish', '--root', repo.ci, '--source-branch', 'main', '--no-typecheck']);
      // Before the agent listens (the first publish) nobody answers; it reads the branch when it starts.
      await fetch(`${hookUrl()}/hooks/git`, { method: 'POST', body: '{}' }).catch(() => undefined);
      return { source, ok: true, detail: out.trim().split('\n').slice(-1).join('').trim(), ms: Date.now() - started };
    } catch (err) {
      return { source, ok: false, detail: (err as Error).message, ms: Date.now() - started };
    }
  };
  const loop = (async () => {
    while (!stopped) {
      const head = (await git(repo.bare, 'rev-parse', 'refs/heads/main').catch(() => seen)).trim();
      if (head !== seen) {
        seen = head;
        const event = await publish(head);
        events.set(head, event);
        onEvent(event);
        for (const resolve of waiters.get(head) ?? []) resolve(event);
        waiters.delete(head);
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  })();
  return {
    published: (source) => {
      const done = events.get(source);
      return done ? Promise.resolve(done) : new Promise((resolve) => waiters.set(source, [...(waiters.get(source) ?? []), resolve]));
    },
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}
