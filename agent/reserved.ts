// Objects no revision may hold: the agent's own settings ConfigMap and keys Secret, and in its namespace
// the ConfigMaps and Leases it keeps (inventory, status, leader election; named typed-gitops-*). A push
// that wrote them could widen its own limits or forge what was applied, so such a revision is refused whole.
import { formatRef } from '../core/kinds.ts';
import type { ObjectRef } from '../core/types.ts';
import { shownLines, type BoundedObject } from '../core/bounds.ts';

export interface ReservedObjects {
  /** The agent's namespace: its ConfigMaps and Leases named typed-gitops-* are its own. */
  readonly namespace: string;
  /** The settings ConfigMap and the keys Secret, when configured: what they are for, and where. */
  readonly named: readonly { readonly kind: 'ConfigMap' | 'Secret'; readonly namespace: string; readonly name: string; readonly role: string }[];
}

const OWN_PREFIX = 'typed-gitops-';

/** Why this object may not be in a revision, or undefined when it may. */
function reservation(ref: ObjectRef, reserved: ReservedObjects): string | undefined {
  if (ref.group !== '' && ref.group !== 'coordination.k8s.io') return undefined;
  // A namespaced object without a namespace lands in 'default'.
  const namespace = ref.namespace || 'default';
  const named = reserved.named.find((r) => ref.group === '' && r.kind === ref.kind && r.namespace === namespace && r.name === ref.name);
  if (named) return named.role;
  const kept = (ref.group === '' && ref.kind === 'ConfigMap') || (ref.group === 'coordination.k8s.io' && ref.kind === 'Lease');
  if (kept && namespace === reserved.namespace && ref.name.startsWith(OWN_PREFIX)) return `the agent's own ${ref.kind === 'Lease' ? 'Lease' : 'inventory or status'}`;
  return undefined;
}

/** The refusal of a revision holding reserved objects, naming each one, or undefined when it holds none. */
export function reservedRefusal(objects: readonly (BoundedObject & { readonly file: string })[], reserved: ReservedObjects): string | undefined {
  const lines = objects.flatMap((o) => {
    const role = reservation(o.ref, reserved);
    return role ? [`  - ${o.file}: ${formatRef(o.ref)} is ${role} [reserved]`] : [];
  });
  if (lines.length === 0) return undefined;
  return `the revision holds ${lines.length} of the agent's own object(s); a push can never change the agent's settings, keys, inventory, status or Lease, ` +
    `so the revision is refused and nothing was changed:\n${shownLines(lines)}`;
}
