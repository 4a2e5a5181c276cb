// The API the CLI and the tests share: start a single-node control plane on
// 127.0.0.1 in a fresh temp folder, disturb one component of it (fault tests),
// and stop it again (also from another process).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, type ApiCredentials } from './api-request.js';
import { ensureBinaries, type BinaryName } from './build.js';
import { createPki } from './certificates.js';
import { componentSpec, type Layout } from './components.js';
import { ControlPlaneError } from './errors.js';
import { fakeNodeManifest, fakeNodeName } from './fake-node.js';
import { writeKubeconfig } from './kubeconfig.js';
import { freePorts } from './ports.js';
import { isRunning, killNow, signalProcess, startDetached, stopAll, type StartedProcess } from './processes.js';
import { readiness } from './readiness.js';
import { defaultStorageClassManifest, defaultStorageClassName, volumeFolders } from './storage-class.js';
import { checkoutRoot, forgetCluster, pointToLastCluster, readState, stateDirPrefix, writeState, type ClusterState } from './state.js';
import { waitUntil } from './wait.js';
import { startWatchdog } from './watchdog.js';

export type ComponentName = BinaryName;

export interface StartOptions {
  /** Progress lines; silent by default. */
  readonly log?: (line: string) => void;
  /** Record this cluster as the one `cluster:down` stops in this checkout. @default false */
  readonly recordAsLast?: boolean;
  /**
   * Stop the plane when the starting process ends without calling stop() (killed test runs).
   * `cluster:up` turns this off: its plane must outlive the command. @default true
   */
  readonly stopWithOwner?: boolean;
  /** Per-component readiness timeout. @default 60_000 */
  readonly timeoutMs?: number;
  /** More arguments per component (a flag we set is replaced), e.g. an audit log for kube-apiserver. */
  readonly args?: Partial<Record<ComponentName, readonly string[]>>;
}

export interface ControlPlane {
  readonly stateDir: string;
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** The API server's port, e.g. for a proxy in front of it. */
  readonly apiserverPort: number;
  readonly nodeName: string;
  /** SIGKILL one component; it stays down until start(). */
  kill(component: ComponentName): Promise<void>;
  /** Starts a killed component again, with `args` merged into its command line, and waits until it is ready. */
  start(component: ComponentName, options?: { readonly args?: readonly string[] }): Promise<void>;
  /** kill, then start. */
  restart(component: ComponentName, options?: { readonly args?: readonly string[] }): Promise<void>;
  /** SIGSTOP: the process keeps its sockets but answers nothing until resume(). */
  pause(component: ComponentName): void;
  /** SIGCONT */
  resume(component: ComponentName): void;
  stop(): Promise<void>;
}

const startAttempts = 3;

export async function startControlPlane(options: StartOptions = {}): Promise<ControlPlane> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      // Free ports are picked before the components bind them; another process may win the race.
      if (!(err instanceof PortTakenError) || attempt === startAttempts) throw err;
      options.log?.(`a port was taken in the meantime; retrying on new ports`);
    }
  }
}

class PortTakenError extends ControlPlaneError {}

async function startOnce(options: StartOptions): Promise<ControlPlane> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 60_000;
  const started = Date.now();
  const binaries = await ensureBinaries({ log });
  const stateDir = mkdtempSync(join(tmpdir(), stateDirPrefix));
  const pkiDir = join(stateDir, 'pki');
  const logDir = join(stateDir, 'logs');
  mkdirSync(pkiDir);
  mkdirSync(logDir);
  const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler] = await freePorts(5);
  const layout: Layout = {
    stateDir,
    ports: { etcdClient: etcdClient!, etcdPeer: etcdPeer!, apiserver: apiserver!, controllerManager: controllerManager!, scheduler: scheduler! },
    pki: createPki(pkiDir),
    kubeconfig: join(stateDir, 'kubeconfig'),
    binaries,
  };
  const server = `https://127.0.0.1:${layout.ports.apiserver}`;
  writeKubeconfig(layout.kubeconfig, {
    server,
    caCert: layout.pki.caCert,
    clientCert: layout.pki.adminCert,
    clientKey: layout.pki.adminKey,
    name: 'typed-gitops-test',
  });
  const admin: ApiCredentials = { ca: layout.pki.caCert, cert: layout.pki.adminCert, key: layout.pki.adminKey };
  // In start order; a restarted component takes the place of its predecessor.
  const processes: StartedProcess[] = [];
  const state = (): ClusterState => ({
    stateDir,
    server,
    kubeconfigPath: layout.kubeconfig,
    nodeName: fakeNodeName,
    startedAt: new Date(started).toISOString(),
    ownerPid: process.pid,
    checkout: checkoutRoot,
    processes: processes.map(({ name, pid, binary, logFile }) => ({ name, pid, binary, logFile })),
  });
  const launch = (name: ComponentName, args = options.args?.[name]) => {
    const spec = componentSpec(name, layout, args);
    const p = startDetached(spec.name, binaries.bin[spec.name], spec.args, join(logDir, `${spec.name}.log`), stateDir);
    const at = processes.findIndex((q) => q.name === name);
    if (at >= 0) processes[at] = p;
    else processes.push(p);
    writeState(state());
    log(`started ${spec.name} (pid ${p.pid})`);
    return p;
  };
  const ready = (name: ComponentName, p: StartedProcess) => waitUntil({ component: name, process: p, timeoutMs, ...readiness(name, layout, admin) });
  const find = (name: ComponentName) => {
    const p = processes.find((q) => q.name === name);
    if (!p) throw new ControlPlaneError(name, `${name} is not part of this control plane`, 'start the plane first');
    return p;
  };

  try {
    // The apiserver retries etcd on its own, so both start at once.
    const etcd = launch('etcd');
    const kubeApiserver = launch('kube-apiserver');
    if (options.stopWithOwner ?? true) processes.push(startWatchdog(stateDir, join(logDir, 'watchdog.log')));
    writeState(state());
    await ready('etcd', etcd);
    await ready('kube-apiserver', kubeApiserver);
    log(`kube-apiserver ready at ${server}`);

    const later = (['kube-controller-manager', 'kube-scheduler', 'kwok'] as const).map((name) => [name, launch(name)] as const);
    await create(`${server}/api/v1/nodes`, admin, fakeNodeManifest(), `Node ${fakeNodeName}`);
    await create(`${server}/apis/storage.k8s.io/v1/storageclasses`, admin, defaultStorageClassManifest(), `StorageClass ${defaultStorageClassName}`);
    await Promise.all(later.map(([name, p]) => ready(name, p)));
  } catch (err) {
    // Leave nothing running; the folder stays so the logs can be read, unless we retry.
    await stopAll(processes);
    if (err instanceof ControlPlaneError && /address already in use/.test(err.logTail ?? '')) {
      rmSync(stateDir, { recursive: true, force: true });
      throw new PortTakenError(err.component, err.message, err.hint, err.logFile, err.logTail);
    }
    throw err;
  }

  if (options.recordAsLast) pointToLastCluster(stateDir);
  log(`control plane ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  const start = async (name: ComponentName, o: { args?: readonly string[] } = {}) => {
    if (isRunning(find(name))) throw new ControlPlaneError(name, `${name} is still running`, 'kill it first, or call restart()');
    await ready(name, launch(name, o.args ?? options.args?.[name]));
  };
  const kill = (name: ComponentName) => killNow(find(name));
  return {
    stateDir,
    kubeconfigPath: layout.kubeconfig,
    server,
    apiserverPort: layout.ports.apiserver,
    nodeName: fakeNodeName,
    kill,
    start,
    restart: async (name, o) => {
      await kill(name);
      await start(name, o);
    },
    pause: (name) => signalProcess(find(name), 'SIGSTOP'),
    resume: (name) => signalProcess(find(name), 'SIGCONT'),
    stop: () => stopControlPlane(stateDir),
  };
}

async function create(url: string, admin: ApiCredentials, manifest: object, what: string): Promise<void> {
  const created = await apiRequest(url, admin, 'POST', manifest);
  if (created.status !== 201) {
    throw new ControlPlaneError('kube-apiserver', `creating ${what} returned ${created.status}: ${created.body}`, 'check the kube-apiserver log');
  }
}

/** Stops every process recorded in the state folder and removes the folder. */
export async function stopControlPlane(stateDir: string): Promise<void> {
  const state = readState(stateDir);
  const pki = join(stateDir, 'pki');
  const volumes = await volumeFolders(state.server, { ca: join(pki, 'ca.crt'), cert: join(pki, 'admin.crt'), key: join(pki, 'admin.key') });
  await stopAll(state.processes);
  for (const folder of volumes) rmSync(folder, { recursive: true, force: true });
  rmSync(stateDir, { recursive: true, force: true });
  forgetCluster(stateDir, state.checkout);
}
