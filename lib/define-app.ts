// defineApp: how an app file states its name, the environments it renders for,
// and how it builds its constructs from an environment's typed values.
import type { App } from 'cdk8s';

export interface Environment<V> {
  readonly name: string;
  readonly values: V;
  /** What the environment's other apps render; given only to an app with `buildAfterOthers`. */
  readonly rendered?: readonly RenderedKind[];
}

/** One kind in one namespace that an environment holds ('' namespace: a cluster-scoped kind). */
export interface RenderedKind {
  readonly group: string; // '' for the core group
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  /** The resource name, when a CustomResourceDefinition in the environment defines the kind. */
  readonly plural?: string;
  /** For a cluster-scoped kind: the names of its objects. */
  readonly names?: readonly string[];
}

export interface AppDefinition<V = unknown> {
  /** The app's name; must match its file name (apps/<name>.ts or apps/<name>/index.ts). */
  readonly name: string;
  /** Environments this app renders for. @default every environment in gitops.config.ts */
  readonly environments?: readonly string[];
  /**
   * Build after the environment's other apps and receive what they render as `env.rendered`
   * (an agent whose RBAC covers them). Its synth cache entry is keyed by what they render as well.
   * @default false
   */
  readonly buildAfterOthers?: boolean;
  /** Adds the app's charts to `app` for one environment. */
  build(app: App, env: Environment<V>): void;
}

const APP_DEFINITION = Symbol.for('typed-gitops.app-definition');

export function defineApp<V>(definition: AppDefinition<V>): AppDefinition<V> {
  return { ...definition, [APP_DEFINITION]: true } as AppDefinition<V>;
}

export function isAppDefinition(value: unknown): value is AppDefinition {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[APP_DEFINITION] === true;
}
