// Who is told of each request to the API server (the metrics): one place the HTTPS client reports
// to, so that no client needs to be handed a metrics object. Verb as client-go counts them, code as the server answered.
export type ApiRequestListener = (verb: string, code: string) => void;

const listeners = new Set<ApiRequestListener>();

/** Tells `listener` of every request from now on; returns how to stop. */
export function onApiRequest(listener: ApiRequestListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** `code` is the HTTP status, or 'error' when no answer came (unreachable, timed out). */
export function reportApiRequest(verb: string, code: string): void {
  for (const listener of listeners) listener(verb, code);
}
