// The standard app.kubernetes.io/* labels that every construct in lib/ puts on its objects.

export interface StandardLabelsProps {
  /** The app (one file under apps/). */
  readonly app: string;
  /** The part of the app, e.g. 'frontend' or 'cache'. */
  readonly component: string;
  /** The application version, usually the image tag. @default no version label */
  readonly version?: string;
  /** The larger system this app belongs to. @default no part-of label */
  readonly partOf?: string;
}

export function standardLabels(props: StandardLabelsProps): Record<string, string> {
  return {
    'app.kubernetes.io/name': props.app,
    'app.kubernetes.io/instance': `${props.app}-${props.component}`,
    'app.kubernetes.io/component': props.component,
    'app.kubernetes.io/managed-by': 'typed-gitops',
    ...(props.version ? { 'app.kubernetes.io/version': props.version } : {}),
    ...(props.partOf ? { 'app.kubernetes.io/part-of': props.partOf } : {}),
  };
}

/** The tag of an image reference, for the version label ('' when untagged or pinned by digest). */
export function imageTag(image: string): string {
  const lastPart = image.slice(image.lastIndexOf('/') + 1);
  return !lastPart.includes('@') && lastPart.includes(':') ? lastPart.slice(lastPart.indexOf(':') + 1) : '';
}
