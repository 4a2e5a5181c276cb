// Reads the documents of one object file (YAML or JSON) one at a time, as `kubectl apply -f` reads them
// (kubectl-scalars.ts), within the depth and alias limits. The file is untrusted: every problem is
// returned with its line, nothing the yaml library throws escapes, and a caller that stops early stops
// the work too (documents are parsed only as they are asked for).
import { Composer, Lexer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq, type Alias, type CST, type Document, type Node, type YAMLMap } from 'yaml';
import { KUBECTL_SCHEMA } from '../core/kubectl-scalars.ts';
import type { RevisionLimits } from '../core/limits.ts';

export type YamlLimits = Pick<RevisionLimits, 'yamlDepth' | 'yamlAliases' | 'fileBytes'>;

/** One document of a file: its value (null when empty), or what is wrong with it; `line` is 1-based. */
export type YamlDocument = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly problem: string };

// Duplicate keys are found in nodeProblem: the library's own check compares each key with all before it.
const OPTIONS = { schema: KUBECTL_SCHEMA, uniqueKeys: false, prettyErrors: false } as const;

export function* readDocuments(text: string, limits: YamlLimits): Generator<YamlDocument> {
  const lines = new LineCounter();
  const lineAt = (offset: number) => lines.linePos(offset).line;
  try {
    const composer = new Composer(OPTIONS);
    const parser = new Parser(lines.addNewLine);
    lines.addNewLine(0);
    for (const lexeme of new Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) for (const doc of composer.next(token)) yield read(doc, lineAt, limits);
      // Checked while the syntax tree grows: a deep one costs memory, and the composer recurses.
      if (parser.stack.length > limits.yamlDepth && nesting(parser.stack) > limits.yamlDepth) {
        yield { line: lineAt(parser.offset), problem: `nested more than ${limits.yamlDepth} levels deep (the yamlDepth limit); the rest of the file was not read` };
        return;
      }
    }
    for (const token of parser.end()) for (const doc of composer.next(token)) yield read(doc, lineAt, limits);
    for (const doc of composer.end()) yield read(doc, lineAt, limits);
  } catch (error) {
    yield { line: lineAt(text.length), problem: `cannot be read as YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** How many collections (maps, sequences) are open on the parser's stack. */
function nesting(stack: readonly CST.Token[]): number {
  let collections = 0;
  for (const token of stack) if ('items' in token) collections++;
  return collections;
}

function read(doc: Document.Parsed, lineAt: (offset: number) => number, limits: YamlLimits): YamlDocument {
  const line = lineAt(doc.range[0]);
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first) return { line: lineAt(first.pos[0]), problem: first.message.split('\n')[0] };
  const version = doc.directives.yaml;
  if (version.explicit && version.version !== '1.1') {
    return { line, problem: `%YAML ${version.version}: kubectl reads YAML 1.1 only and refuses this document; remove the directive` };
  }
  const wrong = nodeProblem(doc, limits);
  if (wrong) return { line: lineAt(wrong.offset), problem: wrong.problem };
  try {
    return { line, value: doc.toJS({ maxAliasCount: limits.yamlAliases }) };
  } catch (error) {
    return { line, problem: `cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const offsetOf = (node: unknown) => (node as Node | null)?.range?.[0] ?? 0;

interface Located { readonly offset: number; readonly problem: string }

interface Count { aliases: number; bytes: number }

/**
 * Aliases counted as toJS would resolve them (an alias to a node holding aliases counts those again),
 * the bytes of JSON the aliases expand the document to (at least), and map keys kubectl cannot turn
 * into JSON keys; walked once, without recursion, in document order, never expanding an alias.
 */
function nodeProblem(doc: Document.Parsed, limits: YamlLimits): Located | undefined {
  const anchors = new Map<string, Node>();
  const inner = new Map<Node, Count>(); // what each finished anchored node holds
  const stack: Array<{ node: unknown; startedAt?: Count }> = [{ node: doc.contents }];
  const count: Count = { aliases: 0, bytes: 0 };
  while (stack.length > 0) {
    const { node, startedAt } = stack.pop()!;
    if (startedAt) { inner.set(node as Node, { aliases: count.aliases - startedAt.aliases, bytes: count.bytes - startedAt.bytes }); continue; }
    if (isAlias(node)) {
      const problem = resolve(node, anchors, inner, count, limits);
      if (problem) return { offset: offsetOf(node), problem };
      continue;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
    if (node.anchor) { anchors.set(node.anchor, node); stack.push({ node, startedAt: { ...count } }); }
    // A lower bound of its JSON: the value, and one separator (',' or ':' or a bracket).
    count.bytes += isScalar(node) ? String(node.value).length + 1 : 1;
    if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
    if (isMap(node)) {
      const problem = keyProblem(node);
      if (problem) return problem;
      for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i].value }, { node: node.items[i].key });
    }
  }
  return undefined;
}

/** A key kubectl cannot turn into a JSON key, or one that stands twice (also as `on` and `true`, both "true"). */
function keyProblem(map: YAMLMap): Located | undefined {
  const seen = new Set<string>();
  for (const { key } of map.items) {
    if (!isScalar(key) || key.value === null) return { offset: offsetOf(key ?? map), problem: 'a map key must be a string, number or boolean (kubectl refuses others)' };
    const name = String(key.value);
    if (seen.has(name) && name !== '<<') return { offset: offsetOf(key), problem: `the key ${JSON.stringify(name)} stands twice in one map (kubectl would keep the last one silently)` };
    seen.add(name);
  }
  return undefined;
}

/** Counts one alias as what it repeats; what is wrong with it or with the count, if anything. */
function resolve(alias: Alias, anchors: ReadonlyMap<string, Node>, inner: ReadonlyMap<Node, Count>, count: Count, limits: YamlLimits): string | undefined {
  const target = anchors.get(alias.source);
  const within = target && inner.get(target);
  if (!within) return target ? `alias *${alias.source} is inside the node it repeats` : `alias *${alias.source} has no anchor &${alias.source} before it`;
  count.aliases += 1 + within.aliases;
  count.bytes += within.bytes;
  if (count.aliases > limits.yamlAliases) return `more than ${limits.yamlAliases} aliases, counting those inside what an alias repeats (the yamlAliases limit)`;
  if (count.bytes > limits.fileBytes) return `its aliases make it larger than ${limits.fileBytes} bytes, more than the API server accepts for one request (the fileBytes limit)`;
  return undefined;
}
