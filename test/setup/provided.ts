// What the cluster global setup hands to tests through vitest's provide/inject.
export interface ProvidedControlPlane {
  readonly kubeconfigPath: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: ProvidedControlPlane;
  }
}
