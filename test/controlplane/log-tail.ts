// Reads the last lines of a component log, for error messages.
import { existsSync, readFileSync } from 'node:fs';

export function logTail(file: string, lines = 25): string {
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
