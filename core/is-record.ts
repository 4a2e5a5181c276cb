// The one test for "a plain object" (not null, not an array) used wherever untrusted or user data is read.

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
