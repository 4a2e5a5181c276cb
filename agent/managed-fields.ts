// The part of a live object that our field manager owns, read from its managedFields (fieldsV1).
// Comparing this part between the server's answer to our last apply and the live object tells
// exactly whether someone changed a field we set, without counting status, server defaults or
// fields other managers own (an HPA's replicas). Also: which list entries a hand edit owns that our
// next apply must replace (takeBack).
import { objectHash } from './desired.ts';
import type { K8sObject } from './types.ts';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  subresource?: string;
  fieldsType?: string;
  fieldsV1?: FieldSet;
}
type FieldSet = { [key: string]: FieldSet };

export function ownedFields(object: K8sObject, manager: string): unknown {
  const entries = (object.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const ours = entries.find((e) => e.manager === manager && e.operation === 'Apply' && e.fieldsType === 'FieldsV1');
  return ours?.fieldsV1 ? project(object, ours.fieldsV1) : undefined;
}

/** Hash of the fields `manager` owns in `object`; undefined when it owns none. */
export function ownedHash(object: K8sObject, manager: string): string | undefined {
  const fields = ownedFields(object, manager);
  return fields === undefined ? undefined : objectHash(fields);
}

/** The field manager other than `manager` that wrote to the object last. */
export function lastOtherManager(object: K8sObject, manager: string): string | undefined {
  const entries = (object.metadata.managedFields ?? []) as { manager?: string; time?: string }[];
  return entries.filter((e) => e.manager !== manager).sort((a, b) => String(b.time).localeCompare(String(a.time)))[0]?.manager;
}

/**
 * Field managers of edits by hand: `kubectl edit`, client-side `kubectl apply`, and what an object held
 * before its first server-side apply. Their list entries are taken back before we apply (see takeBack).
 */
export const HAND_EDITORS: ReadonlySet<string> = new Set(['kubectl-edit', 'kubectl-client-side-apply', 'before-first-apply']);

const isHandEdit = (e: ManagedFieldsEntry) => HAND_EDITORS.has(e.manager ?? '') && e.operation === 'Update' && !e.subresource;

/** Whether a hand edit (HAND_EDITORS) owns any field of the object. */
export function handEdited(object: K8sObject): boolean {
  return ((object.metadata.managedFields ?? []) as ManagedFieldsEntry[]).some(isHandEdit);
}

/**
 * The object's managedFields with the entries that hand edits own in lists git sets (a Service port, a
 * container, an env var, a volume, found by key) moved into `manager`'s Apply entry, so that our next apply,
 * which does not list them, removes them instead of keeping them next to ours. Other fields stay with the
 * hand edit: fields git sets are taken back by the forced apply anyway, and fields git does not set are not
 * ours to remove. Undefined when there is nothing to move; `from` names the managers entries were moved from.
 */
export function takeBack(live: K8sObject, desired: K8sObject, manager: string): { managedFields: ManagedFieldsEntry[]; from: string[] } | undefined {
  const entries = (live.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const ours = entries.find((e) => e.manager === manager && e.operation === 'Apply' && !e.subresource);
  if (!ours?.fieldsV1) return undefined;
  let fieldsV1 = ours.fieldsV1;
  const from: string[] = [];
  const rest: ManagedFieldsEntry[] = [];
  for (const entry of entries) {
    if (entry === ours) continue;
    const split = isHandEdit(entry) && entry.fieldsV1 && entry.apiVersion === ours.apiVersion ? splitListEntries(entry.fieldsV1, desired) : undefined;
    if (!split?.taken) { rest.push(entry); continue; }
    from.push(entry.manager!);
    fieldsV1 = union(fieldsV1, split.taken);
    if (split.left) rest.push({ ...entry, fieldsV1: split.left });
  }
  return from.length > 0 ? { managedFields: [...rest, { ...ours, fieldsV1 }], from } : undefined;
}

/** Splits a field set into the list entries under lists `desired` sets that it does not hold itself (`taken`), and the rest. */
function splitListEntries(set: FieldSet, desired: unknown): { taken?: FieldSet; left?: FieldSet } {
  const taken: FieldSet = {};
  const left: FieldSet = {};
  for (const [key, child] of Object.entries(set)) {
    const value = Array.isArray(desired) ? listItem(desired, key, { lenient: true })
      : key.startsWith('f:') && desired !== null && typeof desired === 'object' ? (desired as Record<string, unknown>)[key.slice(2)] : undefined;
    if (Array.isArray(desired) && /^[kv]:/.test(key) && value === undefined) {
      taken[key] = child; // an entry git does not have: ours to remove
      continue;
    }
    const inner = value !== null && typeof value === 'object' && Object.keys(child).length > 0 ? splitListEntries(child, value) : { left: child };
    if (inner.taken) taken[key] = inner.taken;
    if (inner.left) left[key] = inner.left;
  }
  return { ...(Object.keys(taken).length ? { taken } : {}), ...(Object.keys(left).length ? { left } : {}) };
}

function union(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [key, child] of Object.entries(b)) out[key] = out[key] ? union(out[key], child) : child;
  return out;
}

/** Keeps of `value` only what the field set names: `f:<field>`, `k:<keys>` and `v:<value>` list items, `i:<index>`. */
function project(value: unknown, set: FieldSet): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const [key, child] of Object.entries(set)) {
      const item = listItem(value, key);
      if (item !== undefined) out.push([key, project(item, child)]);
    }
    return out.sort((a, b) => ((a as [string])[0] < (b as [string])[0] ? -1 : 1));
  }
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(set)) {
    if (!key.startsWith('f:')) continue; // '.' marks the node itself
    const name = key.slice(2);
    const v = (value as Record<string, unknown>)[name];
    out[name] = Object.keys(child).length === 0 || v === undefined ? v ?? null : project(v, child);
  }
  return out;
}

/** The list item a field set key names; `lenient`: key fields the item leaves out (server defaults, e.g. a port's protocol) match. */
function listItem(list: unknown[], key: string, options: { lenient?: boolean } = {}): unknown {
  if (key.startsWith('i:')) return list[Number(key.slice(2))];
  if (key.startsWith('v:')) {
    const wanted = JSON.stringify(JSON.parse(key.slice(2)));
    return list.find((v) => JSON.stringify(v) === wanted);
  }
  if (key.startsWith('k:')) {
    const keys = JSON.parse(key.slice(2)) as Record<string, unknown>;
    const matches = (v: Record<string, unknown>, k: string, kv: unknown) => (options.lenient && v[k] === undefined) || String(v[k]) === String(kv);
    return list.find((v) => v !== null && typeof v === 'object' && Object.entries(keys).every(([k, kv]) => matches(v as Record<string, unknown>, k, kv)));
  }
  return undefined;
}
