// The part of a live object that our field manager owns, read from its managedFields (fieldsV1).
// Comparing this part between the server's answer to our last apply and the live object tells
// exactly whether someone changed a field we set, without counting status, server defaults or
// fields other managers own (an HPA's replicas).
import { objectHash } from './desired.ts';
import type { K8sObject } from './types.ts';

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
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

function listItem(list: unknown[], key: string): unknown {
  if (key.startsWith('i:')) return list[Number(key.slice(2))];
  if (key.startsWith('v:')) {
    const wanted = JSON.stringify(JSON.parse(key.slice(2)));
    return list.find((v) => JSON.stringify(v) === wanted);
  }
  if (key.startsWith('k:')) {
    const keys = JSON.parse(key.slice(2)) as Record<string, unknown>;
    return list.find((v) => v !== null && typeof v === 'object' && Object.entries(keys).every(([k, kv]) => String((v as Record<string, unknown>)[k]) === String(kv)));
  }
  return undefined;
}
