// Durations as people write them in config and flags ('500ms', '10s', '1m30s', '2h') to milliseconds.
import { UserInputError } from '../core/errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in `text`; `what` names the flag or config key in the error. */
export function parseDuration(text: string, what: string): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || consumed !== text.trim()) {
    throw new UserInputError(`${what}: '${text}' is not a duration`, { hint: "Write a number and a unit: '500ms', '10s', '1m', '1m30s', '1h'." });
  }
  return Math.round(parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNIT_MS[unit], 0));
}
