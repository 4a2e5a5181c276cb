// Exec credential plugins (kubelogin, aws eks get-token, gke-gcloud-auth-plugin), run as kubectl runs
// them: non-interactive, with a time limit, the credential kept until its expirationTimestamp (or, with
// none, until the server answers 401), a client certificate used when the plugin returns one, and its
// stderr trimmed and redacted before it can reach an error, log, status or Event.
import { spawn } from 'node:child_process';
import { dirname, isAbsolute, resolve } from 'node:path';
import { redactSecrets } from './redact.ts';

export interface ExecConfig {
  readonly apiVersion?: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[] | null;
}

export interface ExecCredential {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** Epoch ms after which the plugin is run again; undefined: kept until invalidated (a 401). */
  readonly expiresAt?: number;
}

export interface ExecOptions {
  /** The user entry's name, for errors. */
  readonly user: string;
  /** The kubeconfig, against which a relative command path (`./bin/plugin`) is resolved, as kubectl does. */
  readonly kubeconfig: string;
  /** @default 30_000 */
  readonly timeoutMs?: number;
}

const MAX_OUTPUT = 1024 * 1024; // a credential is a few KiB; more is a plugin gone wrong

/** A cached credential source: `get()` runs the plugin only when there is no valid credential; `invalidate()` drops it. */
export function execCredentials(exec: ExecConfig, options: ExecOptions): { get(): Promise<ExecCredential>; invalidate(): void } {
  let cached: Promise<ExecCredential> | undefined;
  let expiresAt: number | undefined;
  return {
    async get() {
      if (cached && (expiresAt === undefined || Date.now() < expiresAt)) return cached;
      const running = runPlugin(exec, options);
      cached = running;
      expiresAt = undefined;
      try {
        const credential = await running;
        expiresAt = credential.expiresAt;
        return credential;
      } catch (error) {
        if (cached === running) cached = undefined; // a failure is not cached: the next request runs it again
        throw error;
      }
    },
    invalidate() { cached = undefined; },
  };
}

async function runPlugin(exec: ExecConfig, options: ExecOptions): Promise<ExecCredential> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const command = exec.command.includes('/') && !isAbsolute(exec.command) ? resolve(dirname(options.kubeconfig), exec.command) : exec.command;
  const what = `the exec credential plugin ${JSON.stringify(exec.command)} of user ${options.user} (in ${options.kubeconfig})`;
  const info = { kind: 'ExecCredential', apiVersion: exec.apiVersion ?? 'client.authentication.k8s.io/v1', spec: { interactive: false } };
  const env = { ...process.env, ...Object.fromEntries((exec.env ?? []).map((e) => [e.name, e.value])), KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  const { code, stdout, stderr, timedOut, startError } = await run(command, exec.args ?? [], env, timeoutMs);
  if (startError) throw new Error(`${what} could not be started: ${startError}; check that the command is installed and on PATH`);
  const said = stderr.trim() ? `: ${redactSecrets(stderr, 1000)}` : '';
  if (timedOut) throw new Error(`${what} did not finish within ${timeoutMs / 1000} s and was stopped${said}`);
  if (code !== 0) throw new Error(`${what} failed (${code === null ? 'killed' : `exit ${code}`})${said}`);
  return parseCredential(stdout, what);
}

/** The status of an ExecCredential, checked: a token or a certificate and key pair, and an optional RFC 3339 expiry. */
export function parseCredential(stdout: string, what: string): ExecCredential {
  let status: Record<string, unknown> | undefined;
  try {
    status = (JSON.parse(stdout) as { status?: Record<string, unknown> })?.status;
  } catch { /* said below */ }
  if (!status || typeof status !== 'object') throw new Error(`${what} did not print an ExecCredential with a status (JSON on stdout)`);
  const text = (key: string) => (typeof status[key] === 'string' && status[key] ? status[key] as string : undefined);
  const [token, cert, key, expiry] = [text('token'), text('clientCertificateData'), text('clientKeyData'), text('expirationTimestamp')];
  if (!token && !(cert && key)) throw new Error(`${what} returned neither a token nor clientCertificateData and clientKeyData`);
  if (!cert !== !key) throw new Error(`${what} returned ${cert ? 'clientCertificateData without clientKeyData' : 'clientKeyData without clientCertificateData'}`);
  const expiresAt = expiry === undefined ? undefined : Date.parse(expiry);
  if (Number.isNaN(expiresAt)) throw new Error(`${what} returned an expirationTimestamp that is not a time: ${JSON.stringify(expiry!.slice(0, 40))}`);
  return { ...(token && { token }), ...(cert && { clientCertificateData: cert, clientKeyData: key }), ...(expiresAt !== undefined && { expiresAt }) };
}

interface PluginExit { readonly code: number | null; readonly stdout: string; readonly stderr: string; readonly timedOut: boolean; readonly startError?: string }

/** The plugin in a process group of its own, stdin closed, output bounded; killed with its children at the time limit. */
function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<PluginExit> {
  return new Promise((resolvePromise) => {
    const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
    const timer = setTimeout(() => { timedOut = true; kill(); }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => { if (stdout.length < MAX_OUTPUT) stdout += c; else kill(); });
    child.stderr.on('data', (c: Buffer) => { if (stderr.length < 64 * 1024) stderr += c; });
    const done = (code: number | null, spawnError?: Error) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr, timedOut, ...(spawnError && { startError: spawnError.message }) });
    };
    child.on('error', (error) => done(null, error));
    child.on('close', (code) => done(code));
  });
}
