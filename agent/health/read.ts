// Small readers shared by the health checks: the message prefix that names the object, status
// conditions, and whether the controller has seen the latest spec.
import type { K8sObject } from '../types.ts';
import type { Health, HealthStatus } from './types.ts';
import { isRecord } from '../../core/is-record.ts';

export { isRecord };

/** A status condition as every controller writes it (metav1.Condition and its older lookalikes). */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
  readonly observedGeneration?: number;
}

/** Health whose message starts with "Kind name: ". */
export function health(object: K8sObject, status: HealthStatus, text: string): Health {
  return { status, message: `${nameOf(object)}: ${text}` };
}

/** "Kind name", from whatever the object holds (a malformed one may lack either). */
function nameOf(object: K8sObject): string {
  const kind = typeof object?.kind === 'string' ? object.kind : 'object';
  const name = isRecord(object?.metadata) && typeof object.metadata.name === 'string' ? object.metadata.name : '';
  return `${kind} ${name}`;
}


/** `object.spec` and `object.status` as the shape the caller expects; {} when absent. */
export function specOf<T>(object: K8sObject): Partial<T> {
  return (isRecord(object.spec) ? object.spec : {}) as Partial<T>;
}

export function statusOf<T>(object: K8sObject): Partial<T> {
  return (isRecord(object.status) ? object.status : {}) as Partial<T>;
}

/** The well-formed conditions of a status (or of one of its parts, e.g. a Gateway route's parent). */
export function conditionsIn(holder: unknown): Condition[] {
  const conditions = isRecord(holder) ? holder.conditions : undefined;
  return Array.isArray(conditions) ? conditions.filter((c): c is Condition => isRecord(c) && typeof c.type === 'string') : [];
}

export function conditionOf(object: K8sObject, type: string): Condition | undefined {
  return conditionsIn(object.status).find((c) => c.type === type);
}

export function isTrue(condition: Condition | undefined): boolean {
  return condition?.status === 'True';
}

export function isFalse(condition: Condition | undefined): boolean {
  return condition?.status === 'False';
}

/** "Reason: message", or whichever of the two is there. */
export function explain(condition: Condition): string {
  return [condition.reason, condition.message].filter(Boolean).join(': ') || `${condition.type} is ${condition.status}`;
}

/**
 * Says so when the controller has not yet seen the latest spec (metadata.generation ahead of
 * the observed generation): until it has, the status describes an older spec and proves nothing.
 */
export function unobservedSpec(object: K8sObject, observedGeneration: unknown): string | undefined {
  const generation = generationOf(object.metadata.generation);
  const observed = generationOf(observedGeneration);
  if (generation === undefined || observed === undefined || observed >= generation) return undefined;
  return `spec change (generation ${generation}) not yet observed by its controller (observed ${observed})`;
}

/**
 * A generation as a number: a number, or a string of digits. Anything else (older Argo Rollouts
 * write a pod-template hash in status.observedGeneration) is not a generation and proves nothing.
 */
export function generationOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : undefined;
}

/** "1 replica" / "3 replicas". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
