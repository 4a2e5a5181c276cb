// Worker: a Deployment with no Service, for queue consumers and other background processes.
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import { containerOptions, workloadLabels, type ContainerSpec } from './workload.ts';

export interface WorkerProps extends ContainerSpec {
  /** The app this worker belongs to (for labels). */
  readonly app: string;
  /** @default 1 */
  readonly replicas?: number;
}

export class Worker extends Construct {
  readonly deployment: kplus.Deployment;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    const labels = workloadLabels(id, props);
    this.deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: id, labels },
      replicas: props.replicas ?? 1,
      podMetadata: { labels },
    });
    this.deployment.addContainer(containerOptions('worker', props));
  }
}
