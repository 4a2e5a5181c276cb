// The plain-data types that flow between the compiler's stages:
// AppEntry -> BundledApp -> SynthResult -> ValidationReport -> RenderedTree -> RenderCommit.

/** Identity of a Kubernetes object: the same in the compiler, the rendered branch and the agent. */
export interface ObjectRef {
  readonly group: string; // '' for the core group
  readonly kind: string;
  readonly namespace: string; // '' for cluster-scoped objects
  readonly name: string;
}

/** A Kubernetes object as plain JSON. */
export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  [k: string]: unknown;
};

/** An app file found under the apps folder. */
export interface AppEntry {
  readonly name: string; // from the file name; the definition's own name must match
  readonly sourceFile: string; // repo-relative, forward slashes
}

/** One app bundled by esbuild, cached by the content hash of its inputs. */
export interface BundledApp {
  readonly entry: AppEntry;
  readonly bundleFile: string; // absolute path of the ESM bundle
  readonly hash: string; // sha256 over the bundle's input files
  readonly inputs: readonly string[]; // repo-relative files that went into the bundle
}

/** One object produced by an app for an environment, with where it came from. */
export interface SynthObject {
  readonly ref: ObjectRef;
  readonly object: K8sObject;
  readonly app: string;
  readonly env: string;
  readonly sourceFile: string;
  readonly constructPath: string;
}

/** The output of one app for one environment (objects, or the error that stopped it). */
export interface SynthResult {
  readonly app: string;
  readonly env: string;
  readonly sourceFile: string;
  readonly objects: readonly SynthObject[];
  readonly errors: readonly Diagnostic[];
  /** Findings that do not stop the app (a JSON patch that lands nowhere). @default none */
  readonly warnings?: readonly Diagnostic[];
  /** Project files the app read while it built (repo-relative path -> sha256), besides its bundle: lib/synth-inputs.ts. */
  readonly inputs?: Readonly<Record<string, string>>;
}

export type Severity = 'error' | 'warn';

/** One finding of validation (or of bundling, type-checking or synthesis). */
export interface Diagnostic {
  readonly severity: Severity;
  readonly rule: string; // e.g. 'schema', 'duplicate-object', 'policy/no-latest-image'
  readonly message: string; // what is wrong
  readonly hint?: string; // what to do about it
  readonly env?: string;
  readonly app?: string;
  readonly sourceFile?: string; // TS file, with :line where known
  readonly constructPath?: string;
  readonly object?: string; // 'Kind namespace/name'
}

export interface ValidationReport {
  readonly errors: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

/** One entry of dist/<env>.manifest.json. */
export interface ManifestEntry {
  readonly group: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly app: string;
  readonly path: string; // relative to dist/<env>/
  readonly sourceFile: string;
  readonly constructPath: string;
  readonly sha256: string;
}

/**
 * What an app's output in one environment depends on, as `<env>.manifest.json` records it under `apps`, so a later
 * run (a fresh CI clone) can take the app's objects from the rendered commit instead of running it.
 */
export interface AppRecord {
  readonly bundle: string; // sha256 over the app's file and everything it imports
  readonly values: string; // sha256 of the environment's values (and, built after the others, what they render)
  readonly packages: string; // sha256 of the installed packages' lock file
  readonly tool: string; // typed-gitops version
  readonly format: number; // what synth and render produce (compiler/synth-cache.ts FORMAT)
  readonly rules: string; // sha256 of the per-object validation rules' key
  readonly sources: Readonly<Record<string, string>>; // the bundle's input files (relative to the project) -> sha256; `bundle` hashes this
  readonly environments: readonly string[] | null; // the app's own list; null: every environment
  readonly afterOthers: boolean;
  readonly inputs: Readonly<Record<string, string>>; // project files it read while it built -> sha256
  readonly findings: Readonly<Record<string, readonly Diagnostic[]>>; // per-object findings by path, only where there are some
  readonly warnings?: readonly Diagnostic[]; // the app's own warnings from synth (a patch that lands nowhere), when it has some
}

/** Deterministic files to write, relative to the output folder, per environment. */
export interface RenderedTree {
  /** path relative to the output folder (e.g. 'dev/web/shop/deployment-web.yaml') -> file content */
  readonly files: ReadonlyMap<string, string>;
  /** environments (and, when filtered, apps) this tree is authoritative for */
  readonly scope: readonly RenderScope[];
}

export interface RenderScope {
  readonly env: string;
  readonly apps?: readonly string[]; // undefined: the whole environment
}

/** A commit on the rendered branch, with provenance back to the source commit. */
export interface RenderCommit {
  readonly sha: string;
  readonly sourceCommit: string;
  readonly sourceBranch: string;
  readonly message: string;
}
