// WebService: an HTTP service — Deployment, Service, and optionally an Ingress with TLS,
// a HorizontalPodAutoscaler and a PodDisruptionBudget.
import { Construct } from 'constructs';
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { containerOptions, workloadLabels, type ContainerSpec } from './workload.ts';

export interface IngressProps {
  /** Public host name, e.g. 'shop.example.com'. */
  readonly host: string;
  /** Secret holding the TLS certificate for the host. @default no TLS */
  readonly tlsSecret?: string;
  /** @default '/' */
  readonly path?: string;
}

export interface AutoscaleProps {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Target average CPU utilisation in percent. @default 70 */
  readonly cpuPercent?: number;
}

export interface WebServiceProps extends ContainerSpec {
  /** The app this service belongs to (for labels). */
  readonly app: string;
  /** Port the container listens on. @default 8080 */
  readonly port?: number;
  /** Port the Service exposes. @default 80 */
  readonly servicePort?: number;
  /** HTTP path answering 200 when ready (readiness, liveness and startup probes). @default '/healthz' */
  readonly healthPath?: string;
  /** Fixed replica count; ignored when `autoscale` is set. @default 2 */
  readonly replicas?: number;
  /** @default no autoscaling */
  readonly autoscale?: AutoscaleProps;
  /** @default no Ingress */
  readonly ingress?: IngressProps;
  /** Pods that must stay up during voluntary disruptions. @default 1 when replicas (or minReplicas) > 1, else no PDB */
  readonly minAvailable?: number;
  /** Extra containers in the pod (e.g. a sidecar proxy). @default none */
  readonly sidecars?: Readonly<Record<string, ContainerSpec>>;
  /** ConfigMaps and Secrets whose keys become environment variables. @default none */
  readonly envFrom?: { readonly configMaps?: readonly string[]; readonly secrets?: readonly string[] };
}

export class WebService extends Construct {
  readonly deployment: kplus.Deployment;
  readonly service: kplus.Service;
  readonly ingress?: kplus.Ingress;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const port = props.port ?? 8080;
    const healthPath = props.healthPath ?? '/healthz';
    const labels = workloadLabels(id, props);
    const replicas = props.autoscale ? undefined : props.replicas ?? 2;

    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: id, labels },
      replicas,
      podMetadata: { labels },
      securityContext: { ensureNonRoot: true },
    });
    const probe = kplus.Probe.fromHttpGet(healthPath, { port, periodSeconds: Duration.seconds(10) });
    const main = this.deployment.addContainer({
      ...containerOptions('app', props),
      ports: [{ number: port, name: 'http' }],
      readiness: probe,
      liveness: kplus.Probe.fromHttpGet(healthPath, { port, periodSeconds: Duration.seconds(20), failureThreshold: 3 }),
      startup: kplus.Probe.fromHttpGet(healthPath, { port, failureThreshold: 30 }),
    });
    for (const name of props.envFrom?.configMaps ?? []) main.env.copyFrom(kplus.Env.fromConfigMap(kplus.ConfigMap.fromConfigMapName(this, `cm-${name}`, name)));
    for (const name of props.envFrom?.secrets ?? []) main.env.copyFrom(kplus.Env.fromSecret(kplus.Secret.fromSecretName(this, `secret-${name}`, name)));
    for (const [name, spec] of Object.entries(props.sidecars ?? {})) this.deployment.addContainer(containerOptions(name, spec));

    this.service = this.deployment.exposeViaService({
      name: id,
      ports: [{ port: props.servicePort ?? 80, targetPort: port, name: 'http' }],
    });
    this.service.metadata.addLabel('app.kubernetes.io/name', props.app);

    if (props.ingress) {
      const ingress = props.ingress;
      this.ingress = new kplus.Ingress(this, 'ingress', {
        metadata: { name: id, labels },
        rules: [{ host: ingress.host, path: ingress.path ?? '/', pathType: kplus.HttpIngressPathType.PREFIX, backend: kplus.IngressBackend.fromService(this.service) }],
        tls: ingress.tlsSecret ? [{ hosts: [ingress.host], secret: kplus.Secret.fromSecretName(this, 'tls', ingress.tlsSecret) }] : undefined,
      });
    }

    if (props.autoscale) {
      new kplus.HorizontalPodAutoscaler(this, 'hpa', {
        metadata: { name: id, labels },
        target: this.deployment,
        minReplicas: props.autoscale.minReplicas,
        maxReplicas: props.autoscale.maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(props.autoscale.cpuPercent ?? 70))],
      });
    }

    const lowest = props.autoscale?.minReplicas ?? replicas ?? 1;
    const minAvailable = props.minAvailable ?? (lowest > 1 ? 1 : undefined);
    if (minAvailable !== undefined) {
      new kplus.k8s.KubePodDisruptionBudget(this, 'pdb', {
        metadata: { name: id, labels },
        spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(minAvailable), selector: { matchLabels: this.deployment.matchLabels } },
      });
    }
  }
}
