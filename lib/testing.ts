// Test helper: synthesizes one construct (or a few) in a throwaway chart and returns the objects.
import { App, Chart, Testing } from 'cdk8s';
import type { Construct } from 'constructs';

export interface SynthOptions {
  /** Namespace of the chart. @default 'test' */
  readonly namespace?: string;
}

export function synthConstruct(build: (scope: Construct) => void, options: SynthOptions = {}): Array<Record<string, any>> {
  const app: App = Testing.app();
  const chart = new Chart(app, 'test', { namespace: options.namespace ?? 'test' });
  build(chart);
  return Testing.synth(chart);
}
