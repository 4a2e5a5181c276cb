// Reads back an object file that render wrote, many times faster than `yaml` reads it: the block style
// render-yaml.ts writes (maps, sequences of scalars or maps, plain and quoted scalars, [] and {}), nothing
// else. A text it cannot read gives undefined; and a value is only returned when rendering it again gives
// exactly the same bytes, so what it returns is what any YAML reader gets from that text. That is checked
// as it reads, without rendering again: the layout is the only one render writes (two spaces a level,
// `key:` alone before a non-empty block, `- ` items), and each key and scalar stands as render writes it.
import { isRecord } from '../core/is-record.ts';
import { yamlKeyText, yamlScalarText } from './render.ts';

/** The object of a rendered file, or undefined (the caller then reads it with `yaml`). */
export function readRenderedYaml(text: string, maxDepth: number): Record<string, unknown> | undefined {
  if (!text.endsWith('\n')) return undefined;
  const lines = text.slice(0, -1).split('\n');
  try {
    const [value, next] = block(lines, 0, 0, maxDepth);
    return next === lines.length && isRecord(value) ? value : undefined;
  } catch {
    return undefined; // not render's style
  }
}

class NotRendered extends Error {}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

/** The map or sequence starting at lines[at], indented by `indent`; returns it and the line after it. */
function block(lines: string[], at: number, indent: number, depth: number): [unknown, number] {
  if (depth <= 0 || at >= lines.length || indentOf(lines[at]!) !== indent) throw new NotRendered();
  return lines[at]![indent] === '-' ? sequence(lines, at, indent, depth) : map(lines, at, indent, depth);
}

function map(lines: string[], at: number, indent: number, depth: number): [Record<string, unknown>, number] {
  const out: Record<string, unknown> = {};
  let i = at;
  while (i < lines.length && indentOf(lines[i]!) === indent && lines[i]![indent] !== '-') {
    const line = lines[i]!;
    const [key, end] = keyAt(line, indent);
    if (key === undefined || key === '__proto__' || Object.hasOwn(out, key)) throw new NotRendered(); // `yaml` reads that key as data
    if (yamlKeyText(key) !== line.slice(indent, end - 1)) throw new NotRendered();
    if (end === line.length) {
      const [value, next] = block(lines, i + 1, indent + 2, depth - 1);
      out[key] = value;
      i = next;
    } else {
      if (line[end] !== ' ') throw new NotRendered();
      out[key] = scalar(line.slice(end + 1));
      i++;
    }
  }
  return [out, i];
}

function sequence(lines: string[], at: number, indent: number, depth: number): [unknown[], number] {
  const out: unknown[] = [];
  let i = at;
  while (i < lines.length && indentOf(lines[i]!) === indent && lines[i]![indent] === '-') {
    const line = lines[i]!;
    if (line[indent + 1] !== ' ') throw new NotRendered();
    const rest = line.slice(indent + 2);
    if (keyAt(rest, 0)[0] === undefined) {
      out.push(scalar(rest));
      i++;
      continue;
    }
    // A map item: its first entry stands after the dash, the others under it.
    lines[i] = ' '.repeat(indent + 2) + rest;
    const [value, next] = map(lines, i, indent + 2, depth - 1);
    out.push(value);
    i = next;
  }
  return [out, i];
}

/** The key of the entry at `from` and where its ':' ends, or [undefined] when the text there is no key. */
function keyAt(line: string, from: number): [string | undefined, number] {
  const first = line[from];
  if (first === '"' || first === "'") {
    const [key, end] = quoted(line, from);
    return line[end] === ':' && (end + 1 === line.length || line[end + 1] === ' ') ? [key, end + 1] : [undefined, 0];
  }
  const space = line.indexOf(': ', from);
  const colon = space >= 0 ? space : line.endsWith(':') ? line.length - 1 : -1;
  return colon > from ? [line.slice(from, colon), colon + 1] : [undefined, 0];
}

/** A quoted scalar starting at `from` and the index after its closing quote. */
function quoted(line: string, from: number): [string, number] {
  if (line[from] === "'") {
    let i = from + 1, out = '';
    for (;;) {
      const close = line.indexOf("'", i);
      if (close < 0) throw new NotRendered();
      out += line.slice(i, close);
      if (line[close + 1] !== "'") return [out, close + 1];
      out += "'";
      i = close + 2;
    }
  }
  let i = from + 1;
  while (i < line.length && line[i] !== '"') i += line[i] === '\\' ? 2 : 1;
  if (i >= line.length) throw new NotRendered();
  // JSON's escapes are YAML's too; any other (\x, \e, …) fails here and leaves the file to `yaml`.
  return [JSON.parse(line.slice(from, i + 1)) as string, i + 1];
}

/** The value of a scalar (or [] or {}) standing exactly as render writes that value. */
function scalar(text: string): unknown {
  if (text === '[]') return [];
  if (text === '{}') return {};
  const value = scalarValue(text);
  if (yamlScalarText(value) !== text) throw new NotRendered();
  return value;
}

function scalarValue(text: string): unknown {
  if (text[0] === '"' || text[0] === "'") {
    const [value, end] = quoted(text, 0);
    if (end !== text.length) throw new NotRendered();
    return value;
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?(e[+-]?\d+)?$/.test(text)) return Number(text);
  return text;
}
