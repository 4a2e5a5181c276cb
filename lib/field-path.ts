// Field paths into plain JSON objects (['spec', 'template', 'spec', 'containers', 0, 'image']): the type of the
// value at a path of a typed object, and setting or removing a field by path on a copy of a document.

/** One step of a path: an object key or an array index. */
export type PathStep = string | number;
export type FieldPath = readonly PathStep[];

/** The type of the field at `P` in `T`; `never` when `P` is no path of `T` (so a typo is a type error). */
export type ValueAt<T, P extends FieldPath> = P extends readonly []
  ? T
  : P extends readonly [infer H, ...infer R extends FieldPath]
    ? NonNullable<T> extends readonly (infer E)[]
      ? H extends number ? ValueAt<E, R> : never
      : H extends keyof NonNullable<T> ? ValueAt<NonNullable<T>[H], R> : never
    : never;

export type JsonObject = { [key: string]: unknown };

/** 'spec.template.spec.containers[0].image', for messages. */
export function formatPath(path: FieldPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * `doc` with the field at `path` set to `value` (a deep copy of `value`), creating missing objects on the way.
 * Returns an error message instead when a step goes through a value that is not an object or past an array's end.
 */
export function setField(doc: JsonObject, path: FieldPath, value: unknown): JsonObject | string {
  if (path.length === 0) return 'the path is empty';
  return update(doc, path, 0, (parent, key) => {
    if (Array.isArray(parent) && (typeof key !== 'number' || key > parent.length)) return `${formatPath(path)}: no index ${key} in a list of ${parent.length}`;
    parent[key as never] = structuredClone(value) as never;
    return undefined;
  });
}

/** `doc` without the field at `path`; an error message instead when there is no such field. */
export function removeField(doc: JsonObject, path: FieldPath): JsonObject | string {
  if (path.length === 0) return 'the path is empty';
  return update(doc, path, 0, (parent, key) => {
    if (Array.isArray(parent)) {
      if (typeof key !== 'number' || key >= parent.length) return `${formatPath(path)} is not in the object`;
      parent.splice(key, 1);
    } else {
      if (!Object.hasOwn(parent, key)) return `${formatPath(path)} is not in the object`;
      delete (parent as JsonObject)[key];
    }
    return undefined;
  });
}

/** Whether `doc` has a field at `path`. */
export function hasField(doc: unknown, path: FieldPath): boolean {
  let here = doc;
  for (const step of path) {
    if (here === null || typeof here !== 'object' || !Object.hasOwn(here, step)) return false;
    here = (here as JsonObject)[step];
  }
  return true;
}

type Container = JsonObject | unknown[];

/** Copies the objects along `path` (copy on write) and lets `change` edit the last one; missing objects are created. */
function update(doc: Container, path: FieldPath, at: number, change: (parent: Container, key: PathStep) => string | undefined): JsonObject | string {
  const copy: Container = Array.isArray(doc) ? [...doc] : { ...doc };
  const key = path[at];
  if (at === path.length - 1) return change(copy, key) ?? (copy as JsonObject);
  const child = (copy as JsonObject)[key];
  const next = child === undefined ? {} : child;
  if (next === null || typeof next !== 'object') return `${formatPath(path.slice(0, at + 1))} is a ${typeof next}, not an object`;
  const changed = update(next as Container, path, at + 1, change);
  if (typeof changed === 'string') return changed;
  (copy as JsonObject)[key] = changed;
  return copy as JsonObject;
}
