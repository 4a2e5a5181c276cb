// Small readers shared by the health checks: the message prefix that names the object, status
// conditions, and whether the controller has seen the latest spec.
import type { K8sObject } from '../types.ts';
import type { Health, HealthStatus } from './types.ts';

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
  return { status, message: `${object.kind} ${object.metadata.name ?? ''}: ${text}` };
}

/** `object.spec` and `object.status` as the shape the caller expects; {} when absent. */
export function specOf<T>(object: K8sObject): Partial<T> {
  return (object.spec ?? {}) as Partial<T>;
}

export function statusOf<T>(object: K8sObject): Partial<T> {
  return (object.status ?? {}) as Partial<T>;
}

export function conditionOf(object: K8sObject, type: string): Condition | undefined {
  const conditions = statusOf<{ conditions: Condition[] }>(object).conditions;
  return Array.isArray(conditions) ? conditions.find((c) => c.type === type) : undefined;
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
export function unobservedSpec(object: K8sObject, observedGeneration: number | undefined): string | undefined {
  const generation = object.metadata.generation;
  if (typeof generation !== 'number' || observedGeneration === undefined || observedGeneration >= generation) return undefined;
  return `spec change (generation ${generation}) not yet observed by its controller (observed ${observedGeneration})`;
}

/** "1 replica" / "3 replicas". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
