// Typed failures of the test control plane: each names the component (or build
// step), says what to do next, and points at the log that holds the details.

export type Component =
  | 'build'
  | 'certificates'
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'kwok'
  | 'node'
  | 'state';

export class ControlPlaneError extends Error {
  constructor(
    readonly component: Component,
    message: string,
    readonly hint: string,
    readonly logFile?: string,
    readonly logTail?: string,
  ) {
    super(
      [
        `[control plane: ${component}] ${message}`,
        `  what to do: ${hint}`,
        logFile ? `  log: ${logFile}` : '',
        logTail ? `  last lines:\n${indent(logTail)}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    this.name = 'ControlPlaneError';
  }
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
