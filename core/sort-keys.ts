// The one key order of everything we render and hash: the compiler's YAML and manifest hashes, the
// agent's object hashes. Sorted keys make the bytes a function of the object, not of how it was built.

const FIRST_KEYS = ['apiVersion', 'kind', 'metadata'];

/** Keys sorted, with apiVersion, kind and metadata first at the top; arrays keep their order. */
export function sortKeys(value: unknown, top = false): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value).sort((a, b) => {
    if (top) {
      const ia = FIRST_KEYS.indexOf(a), ib = FIRST_KEYS.indexOf(b);
      if (ia !== -1 || ib !== -1) return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib);
    }
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = sortKeys(v);
  }
  return out;
}
