// `gitops agent` and `gitops status` as real processes where no cluster is needed (an API server
// address where nothing listens), and the pure pieces: durations and the status text.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import { parseDuration } from '../../agent/duration.ts';
import { formatStatus, type StoredResult } from '../../agent/status-command.ts';
import { cleanUp, renderedRemote, tempDir } from './fixtures.ts';
import { freePort } from '../controlplane/ports.ts';

afterAll(cleanUp);

const GITOPS = resolve(import.meta.dirname, '../../bin/gitops.js');

/** A kubeconfig for an API server that is not there: reconciles fail fast, nothing hangs. */
function nowhereKubeconfig(port: number): string {
  const file = join(tempDir(), 'kubeconfig');
  writeFileSync(file, `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: 'http://127.0.0.1:${port}' } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`);
  return file;
}

interface Run { code: number | null; stdout: string; stderr: string }

function gitops(args: string[], options: { onStdout?: (text: string, signal: (s: NodeJS.Signals) => void) => void } = {}): Promise<Run> {
  return new Promise((done) => {
    // A folder without gitops.config.ts: the built-in defaults apply.
    const child = spawn(process.execPath, [GITOPS, ...args], { cwd: tempDir(), env: { ...process.env, XDG_CACHE_HOME: tempDir() } });
    let stdout = '', stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c; options.onStdout?.(stdout, (s) => child.kill(s)); });
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('gitops agent', () => {
  it('--once exits with the git code when the remote is unreachable, naming it', async () => {
    const missing = join(tempDir(), 'gone.git');
    const run = await gitops(['agent', '--once', '--repo', missing, '--env', 'dev', '--kubeconfig', nowhereKubeconfig(await freePort())]);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain(`'${missing}'`);
  });

  it('--once exits with the cluster code when the cluster is unreachable', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a/demo/ConfigMap-a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: demo }\n' });
    // --no-leader-elect: with it, the unreachable cluster stops the run at the Lease (once-leader.test.ts); without it, at the
    // read of the last applied commit (never backwards), before any reconcile.
    const run = await gitops(['agent', '--once', '--no-leader-elect', '--repo', remote.path, '--env', 'dev', '--kubeconfig', nowhereKubeconfig(await freePort())]);
    expect(run.code).toBe(3);
    const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; env?: string });
    expect(lines.some((l) => l.level === 'error' && l.env === 'dev')).toBe(true);
  });

  it('refuses an unset notification variable, a URL that is not http(s) without showing it, and --wait-healthy without --once', async () => {
    const base = ['agent', '--repo', '/nowhere', '--env', 'dev', '--kubeconfig', nowhereKubeconfig(1)];
    const unset = await gitops([...base, '--notify-url-env', 'GITOPS_TEST_UNSET_URL']);
    expect(unset.code).toBe(1);
    expect(unset.stderr).toContain('--notify-url-env GITOPS_TEST_UNSET_URL: the variable is not set or empty');
    process.env.GITOPS_TEST_NOTIFY_URL = 'ftp://user:pa55word@example.com/hook';
    const ftp = await gitops([...base, '--notify-url-env', 'GITOPS_TEST_NOTIFY_URL']).finally(() => delete process.env.GITOPS_TEST_NOTIFY_URL);
    expect(ftp.code).toBe(1);
    expect(ftp.stderr).toContain('--notify-url-env GITOPS_TEST_NOTIFY_URL: only http and https URLs are called (got ftp:)');
    expect(ftp.stderr).not.toContain('pa55word');
    const wait = await gitops([...base, '--wait-healthy', '1m']);
    expect(wait.code).toBe(1);
    expect(wait.stderr).toContain('--wait-healthy needs --once');
  });

  it('refuses an unset webhook secret variable and a bad interval', async () => {
    const base = ['agent', '--repo', '/nowhere', '--env', 'dev', '--kubeconfig', nowhereKubeconfig(1)];
    const secret = await gitops([...base, '--webhook-secret-env', 'GITOPS_TEST_UNSET_SECRET']);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toContain('GITOPS_TEST_UNSET_SECRET');
    const interval = await gitops([...base, '--interval', 'soon']);
    expect(interval.code).toBe(1);
    expect(interval.stderr).toContain("--interval: 'soon' is not a duration");
  });

  it('--once refuses a revision over a limit with exit 1, naming the file, the limit and the flag', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a/demo/ConfigMap-a.yaml': `data: "${'x'.repeat(2000)}"\n` });
    const run = await gitops(['agent', '--once', '--repo', remote.path, '--env', 'dev', '--max-file-size', '1KiB', '--kubeconfig', nowhereKubeconfig(await freePort())]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('"dev/a/demo/ConfigMap-a.yaml" is 2 KiB, over the limit of 1 KiB per file');
    expect(run.stderr).toContain('--max-file-size or agent.limits.fileSize');
  });

  it('refuses --verify head without keys, an unknown mode and a missing key file, naming each', async () => {
    const base = ['agent', '--once', '--repo', '/nowhere', '--env', 'dev', '--kubeconfig', nowhereKubeconfig(1)];
    const noKeys = await gitops([...base, '--verify', 'head']);
    expect(noKeys.code).toBe(1);
    expect(noKeys.stderr).toContain('--verify head needs allowed keys');
    const mode = await gitops([...base, '--verify', 'all', '--allowed-signers', '/nowhere/allowed']);
    expect(mode.stderr).toContain('--verify all: not a verification mode');
    const missing = await gitops([...base, '--allowed-signers', '/nowhere/allowed_signers']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('cannot read the allowed signers file /nowhere/allowed_signers: ENOENT');
  });

  it('refuses a limit flag that is not a size or count, naming it', async () => {
    const base = ['agent', '--repo', '/nowhere', '--env', 'dev', '--kubeconfig', nowhereKubeconfig(1)];
    const size = await gitops([...base, '--max-file-size', '3 megs']);
    expect(size.code).toBe(1);
    expect(size.stderr).toContain("--max-file-size: '3 megs' is not a size");
    const count = await gitops([...base, '--max-objects', 'many']);
    expect(count.code).toBe(1);
    expect(count.stderr).toContain("--max-objects: 'many' is not a whole number above 0");
  });

  it('runs until SIGTERM, serving /healthz, then exits 0', async () => {
    const remote = renderedRemote();
    remote.commit({ 'dev/a.yaml': 'a: 1\n' });
    const port = await freePort();
    let signalled = false;
    const run = await gitops(['agent', '--repo', remote.path, '--env', 'dev', '--interval', '100ms', '--listen', `127.0.0.1:${port}`, '--kubeconfig', nowhereKubeconfig(await freePort())], {
      onStdout(text, signal) {
        if (signalled || !text.includes('"msg":"agent started"')) return;
        signalled = true;
        void fetch(`http://127.0.0.1:${port}/healthz`).then((r) => {
          expect(r.status).toBe(200);
          signal('SIGTERM');
        });
      },
    });
    expect(signalled).toBe(true);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"msg":"agent stopped"');
  });
});

describe('durations', () => {
  it('reads ms, s, m, h and combinations', () => {
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('10s', 'x')).toBe(10_000);
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(parseDuration('2h', 'x')).toBe(7_200_000);
    for (const bad of ['', '10', 's', '10 s', '5d', '1m-3s']) expect(() => parseDuration(bad, 'x')).toThrow(UserInputError);
  });
});

describe('gitops status text', () => {
  it('shows revision, source commit, age, counts, failed and skipped objects, notices and errors', () => {
    const result: StoredResult = {
      env: 'prod', revision: 'a'.repeat(40), sourceCommit: 'b'.repeat(40), startedAt: '2026-01-01T10:00:00.000Z', durationMs: 1500, ok: false,
      counts: { created: 1, configured: 0, unchanged: 40, pruned: 0, skipped: 1, failed: 1 },
      changes: [
        { ref: { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }, action: 'failed', reason: 'web/shop/Deployment-web.yaml: spec.replicas: Invalid value' },
        { ref: { group: '', kind: 'ConfigMap', namespace: 'shop', name: 'old' }, action: 'skipped', reason: 'annotated to skip pruning' },
        { ref: { group: '', kind: 'Service', namespace: 'shop', name: 'web' }, action: 'created' },
      ],
      errors: ['the server rejected 1 object(s) in a dry run; nothing was changed'],
      notices: ['the rendered branch moved backwards from c to a (a force-push); applying a'],
    };
    expect(formatStatus(result, { now: new Date('2026-01-01T10:05:00.000Z') })).toBe(`prod  FAILED
  revision    aaaaaaaaaaaa <- source bbbbbbbbbbbb
  reconciled  2026-01-01T10:00:00Z (5 min ago), took 1.5 s
  objects     1 created, 40 unchanged, 1 skipped, 1 failed
  failed:
    Deployment shop/web: web/shop/Deployment-web.yaml: spec.replicas: Invalid value
  skipped:
    ConfigMap shop/old: annotated to skip pruning
  notices:
    the rendered branch moved backwards from c to a (a force-push); applying a
  errors:
    the server rejected 1 object(s) in a dry run; nothing was changed
`);
  });

  it('has a row per app with its health, fits 80 columns, and paints the states only when asked', () => {
    const long = `Deployment cart: ${'0 of 2 replicas available, '.repeat(5)}`;
    const result: StoredResult = {
      env: 'dev', revision: 'c'.repeat(40), sourceCommit: 'd'.repeat(40), subject: 'render ddddddd: Add the cart \x1b[2J service to the shop, with its config', startedAt: '2026-01-01T10:00:00.000Z', durationMs: 80, ok: true, errors: [],
      counts: { created: 12, configured: 3, unchanged: 1200, pruned: 7, skipped: 0, failed: 0 }, changes: [],
      health: { status: 'Progressing', message: long, objects: [], apps: { shop: { status: 'Progressing', message: long }, web: { status: 'Healthy', message: '3 objects healthy' } } },
    };
    const text = formatStatus(result, { now: new Date('2026-01-01T10:00:30.000Z') });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'dev  synced  Progressing',
      '  revision    cccccccccccc <- source dddddddddddd "Add the cart ?[2J service to…',
      '  reconciled  2026-01-01T10:00:00Z (30 s ago), took 80 ms',
      '  objects     12 created, 3 configured, 1200 unchanged, 7 pruned',
    ]);
    expect(text).toContain('  APP   HEALTH       MESSAGE\n  shop  Progressing  Deployment cart: 0 of 2 replicas available, 0 of 2 replica…');
    expect(text).toContain('\n  web   Healthy\n');
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
    expect(text).not.toContain('\x1b[');
    expect(formatStatus(result, { color: true })).toContain('\x1b[32mHealthy\x1b[39m');
  });
});
