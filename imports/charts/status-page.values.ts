// The values of Helm chart status-page, from its values.schema.json. Written by `gitops lock`: do not edit.

export interface StatusPageValues {
  /**
   * Pods serving the page.
   */
  replicas?: number;
  /**
   * Heading of the page.
   */
  title?: string;
  /**
   * What the page says under the heading.
   */
  message?: string;
  image?: {
    repository?: string;
    tag?: string;
  };
  /**
   * Requests and limits of the nginx container.
   */
  resources?: {
    requests?: {
      [k: string]: unknown;
    };
    limits?: {
      [k: string]: unknown;
    };
    [k: string]: unknown;
  };
}
