// Diagnostics about one synthesized object: every one names env, app, file, construct path and object.
import { formatRef } from '../../core/kinds.ts';
import type { Diagnostic, Severity, SynthObject } from '../../core/types.ts';

export interface Finding {
  readonly rule: string;
  readonly message: string;
  readonly hint: string;
  /** @default 'error' */
  readonly severity?: Severity;
}

/** A diagnostic about `o`, carrying where it came from. */
export function diagnose(o: SynthObject, finding: Finding): Diagnostic {
  return {
    severity: finding.severity ?? 'error',
    rule: finding.rule,
    message: finding.message,
    hint: finding.hint,
    env: o.env,
    app: o.app,
    sourceFile: o.sourceFile,
    constructPath: o.constructPath,
    object: formatRef(o.ref),
  };
}
