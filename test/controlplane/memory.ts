// Reads resident memory of the control-plane processes from /proc: current RSS
// and the high-water mark (VmHWM), whose sum bounds the peak of the whole plane.
import { readFileSync } from 'node:fs';
import { isRunning, type RunningProcess } from './processes.js';

export interface ProcessMemory {
  readonly name: string;
  readonly rssMiB: number;
  readonly peakMiB: number;
}

export function processMemory(processes: readonly RunningProcess[]): ProcessMemory[] {
  return processes.filter(isRunning).map((p) => {
    const status = readFileSync(`/proc/${p.pid}/status`, 'utf8');
    const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { name: p.name, rssMiB: Math.round(kib('VmRSS') / 1024), peakMiB: Math.round(kib('VmHWM') / 1024) };
  });
}
