// The API server's own record of the writes it received (its audit log), to count writes per object
// from the server's side: the proof that a fault made the agent write nothing twice.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../agent-source/fixtures.ts';

export interface AuditLog {
  /** kube-apiserver arguments that turn it on. */
  readonly args: readonly string[];
  /** Successful non-dry-run writes (verb -> count) per ConfigMap name of a namespace. */
  writesPerConfigMap(namespace: string): Map<string, Record<string, number>>;
}

interface AuditEvent {
  readonly stage: string;
  readonly verb: string;
  readonly requestURI: string;
  readonly objectRef?: { readonly resource?: string; readonly namespace?: string; readonly name?: string };
  readonly responseStatus?: { readonly code?: number };
}

export function auditLog(): AuditLog {
  const dir = tempDir('fault-audit-');
  const policy = join(dir, 'policy.yaml');
  const file = join(dir, 'audit.log');
  writeFileSync(policy, `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [create, update, patch, delete]
    resources: [{ group: "", resources: [configmaps] }]
  - level: None
`);
  return {
    args: [`--audit-policy-file=${policy}`, `--audit-log-path=${file}`, '--audit-log-format=json', '--audit-log-maxbackup=0'],
    writesPerConfigMap(namespace) {
      const counts = new Map<string, Record<string, number>>();
      if (!existsSync(file)) return counts;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        const e = JSON.parse(line) as AuditEvent;
        const code = e.responseStatus?.code ?? 0;
        if (e.stage !== 'ResponseComplete' || code < 200 || code >= 300 || /[?&]dryRun=/.test(e.requestURI)) continue;
        if (e.objectRef?.namespace !== namespace || !e.objectRef.name) continue;
        const perVerb = counts.get(e.objectRef.name) ?? {};
        perVerb[e.verb] = (perVerb[e.verb] ?? 0) + 1;
        counts.set(e.objectRef.name, perVerb);
      }
      return counts;
    },
  };
}
