// Reads a chart's own files — its name from Chart.yaml and its values.schema.json — from a folder or from an
// archive (.tgz: gzip over ustar, the chart in one top folder), for the typed values `gitops lock` writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { isRecord } from '../../core/is-record.ts';

export interface ChartFiles {
  readonly name: string;
  readonly valuesSchema?: string;
}

const MAX_UNPACKED = 64 * 1024 * 1024;

export function folderChartFiles(folder: string): ChartFiles {
  const read = (name: string) => (existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'utf8') : undefined);
  return chartFiles(read('Chart.yaml'), read('values.schema.json'), folder);
}

export function archiveChartFiles(archive: Buffer, what: string): ChartFiles {
  const top = topLevelFiles(gunzipSync(archive, { maxOutputLength: MAX_UNPACKED }));
  return chartFiles(top.get('Chart.yaml'), top.get('values.schema.json'), what);
}

function chartFiles(chartYaml: string | undefined, valuesSchema: string | undefined, what: string): ChartFiles {
  const meta: unknown = chartYaml === undefined ? undefined : parse(chartYaml);
  if (!isRecord(meta) || typeof meta.name !== 'string') throw new Error(`chart ${what} has no Chart.yaml with a name`);
  return { name: meta.name, ...(valuesSchema !== undefined ? { valuesSchema } : {}) };
}

/** Files directly inside the archive's top folder (`<chart>/Chart.yaml`), by name. */
function topLevelFiles(tar: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const name = field(header, 0, 100);
    if (!name) break; // the two zero blocks that end the archive
    const size = parseInt(field(header, 124, 12) || '0', 8);
    const prefix = field(header, 345, 155);
    const path = prefix ? `${prefix}/${name}` : name;
    const parts = path.split('/');
    const regular = header[156] === 0x30 || header[156] === 0;
    if (regular && parts.length === 2) files.set(parts[1], tar.subarray(at + 512, at + 512 + size).toString('utf8'));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8').trim();
}
