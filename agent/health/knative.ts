// Knative Serving: Service, Configuration, Route and Revision follow Knative's condition
// convention: Ready (or Succeeded) is Unknown while work is under way, False only when it failed.
import type { HealthCheck } from './types.ts';
import { decisiveCondition } from './generic.ts';

const GROUP = 'serving.knative.dev';

export const knativeChecks: Readonly<Record<string, HealthCheck>> = Object.fromEntries(
  ['Service', 'Configuration', 'Route', 'Revision'].map((kind) => [`${GROUP}/${kind}`, (o) => decisiveCondition(o, 'Knative Serving')]),
);
