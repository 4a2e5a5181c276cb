// The plain-data vocabulary of health: one status per object, app and environment, with the
// message that says what holds it up. The same words go to logs, status objects, metrics and CLI.
import type { K8sObject, ObjectRef } from '../types.ts';

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  readonly status: HealthStatus;
  /** Names the object and what holds it up, e.g. "Deployment web: 1 of 3 replicas available". */
  readonly message: string;
}

/** What a check may know besides the object: the time now (ms since the epoch), for grace periods, and more. */
export interface HealthContext {
  readonly now: number;
  /** 'group/Kind' of custom kinds whose CRD declares no status (see statusless.ts). @default none */
  readonly statusless?: ReadonlySet<string>;
}

/** A check for one kind: a pure function of the live object. */
export type HealthCheck = (object: K8sObject, context: HealthContext) => Health;

/** An object to assess: its ref, and the live object, absent when it is not in the cluster. */
export interface Observed {
  readonly ref: ObjectRef;
  readonly object?: K8sObject;
  /** Why the object could not be read (then its health is Unknown). */
  readonly unreadable?: string;
}

export interface ObjectHealth extends Health {
  readonly ref: ObjectRef;
  readonly app?: string;
}

/** The health of one environment (status and message), of each app in it, and of each object. */
export interface HealthReport extends Health {
  readonly apps: Readonly<Record<string, Health>>;
  readonly objects: readonly ObjectHealth[];
}
