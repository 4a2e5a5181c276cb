// The API the CLI and the tests share: start a single-node control plane on
// 127.0.0.1 in a fresh temp folder, and stop it again (also from another process).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiRequest, httpGet, type ApiCredentials } from './api-request.js';
import { ensureBinaries } from './build.js';
import { createPki } from './certificates.js';
import * as components from './components.js';
import type { ComponentSpec, Layout } from './components.js';
import { ControlPlaneError } from './errors.js';
import { fakeNodeManifest, fakeNodeName, isSchedulable } from './fake-node.js';
import { writeKubeconfig } from './kubeconfig.js';
import { freePorts } from './ports.js';
import { startDetached, stopAll, type StartedProcess } from './processes.js';
import { forgetCluster, pointToLastCluster, readState, stateDirPrefix, writeState, type ClusterState } from './state.js';
import { waitUntil } from './wait.js';
import { startWatchdog } from './watchdog.js';

export interface StartOptions {
  /** Progress lines; silent by default. */
  readonly log?: (line: string) => void;
  /** Record this cluster as the one `cluster:down` stops. @default false */
  readonly recordAsLast?: boolean;
  /**
   * Stop the plane when the starting process ends without calling stop() (killed test runs).
   * `cluster:up` turns this off: its plane must outlive the command. @default true
   */
  readonly stopWithOwner?: boolean;
  /** Per-component readiness timeout. @default 60_000 */
  readonly timeoutMs?: number;
}

export interface ControlPlane {
  readonly stateDir: string;
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly nodeName: string;
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
  const processes: StartedProcess[] = [];
  const launch = (spec: ComponentSpec) => {
    const p = startDetached(spec.name, binaries.bin[spec.name], spec.args, join(logDir, `${spec.name}.log`), stateDir);
    processes.push(p);
    log(`started ${spec.name} (pid ${p.pid})`);
    return p;
  };
  const state = (): ClusterState => ({
    stateDir,
    server,
    kubeconfigPath: layout.kubeconfig,
    nodeName: fakeNodeName,
    startedAt: new Date(started).toISOString(),
    ownerPid: process.pid,
    processes: processes.map(({ name, pid, binary, logFile }) => ({ name, pid, binary, logFile })),
  });

  try {
    // The apiserver retries etcd on its own, so both start at once.
    const etcd = launch(components.etcd(layout));
    const kubeApiserver = launch(components.kubeApiserver(layout));
    if (options.stopWithOwner ?? true) processes.push(startWatchdog(stateDir, join(logDir, 'watchdog.log')));
    writeState(state());
    await waitUntil({
      component: 'etcd',
      what: 'GET /health returns ok',
      process: etcd,
      timeoutMs,
      check: async () => (await httpGet(`http://127.0.0.1:${layout.ports.etcdClient}/health`)).status === 200,
    });
    await waitUntil({
      component: 'kube-apiserver',
      what: 'GET /readyz returns ok',
      process: kubeApiserver,
      timeoutMs,
      check: async () => (await apiRequest(`${server}/readyz`, admin)).status === 200,
    });
    log(`kube-apiserver ready at ${server}`);

    const controllerManager = launch(components.kubeControllerManager(layout));
    const scheduler = launch(components.kubeScheduler(layout));
    const kwok = launch(components.kwok(layout));
    writeState(state());
    const created = await apiRequest(`${server}/api/v1/nodes`, admin, 'POST', fakeNodeManifest());
    if (created.status !== 201) {
      throw new ControlPlaneError('node', `creating Node ${fakeNodeName} returned ${created.status}: ${created.body}`, 'check the kube-apiserver log');
    }
    const healthz = (port: number) => async () => (await apiRequest(`https://127.0.0.1:${port}/healthz`, {})).status === 200;
    await Promise.all([
      waitUntil({ component: 'kube-controller-manager', what: 'GET /healthz returns ok', process: controllerManager, timeoutMs, check: healthz(layout.ports.controllerManager) }),
      waitUntil({ component: 'kube-scheduler', what: 'GET /healthz returns ok', process: scheduler, timeoutMs, check: healthz(layout.ports.scheduler) }),
      waitUntil({
        component: 'kwok',
        what: `Node ${fakeNodeName} Ready and untainted`,
        process: kwok,
        timeoutMs,
        check: async () => {
          const res = await apiRequest(`${server}/api/v1/nodes/${fakeNodeName}`, admin);
          return res.status === 200 && isSchedulable(res.body);
        },
      }),
    ]);
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
  return {
    stateDir,
    kubeconfigPath: layout.kubeconfig,
    server,
    nodeName: fakeNodeName,
    stop: () => stopControlPlane(stateDir),
  };
}

/** Stops every process recorded in the state folder and removes the folder. */
export async function stopControlPlane(stateDir: string): Promise<void> {
  const state = readState(stateDir);
  await stopAll(state.processes);
  rmSync(stateDir, { recursive: true, force: true });
  forgetCluster(stateDir);
}
