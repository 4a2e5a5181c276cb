// Reads the documents of one object file (YAML or JSON) one at a time, as `kubectl apply -f` reads them
// (kubectl-scalars.ts), within the depth and alias limits. The file is untrusted: every problem is
// returned with its line, nothing the yaml library throws escapes, and a caller that stops early stops
// the work too (documents are parsed only as they are asked for).
import { Composer, Lexer, LineCounter, Parser, isAlias, isMap, isScalar, isSeq, type CST, type Document, type Node } from 'yaml';
import { KUBECTL_SCHEMA } from '../compiler/kubectl-scalars.ts';
import type { RevisionLimits } from './limits.ts';

export type YamlLimits = Pick<RevisionLimits, 'yamlDepth' | 'yamlAliases'>;

/** One document of a file: its value (null when empty), or what is wrong with it; `line` is 1-based. */
export type YamlDocument = { readonly line: number; readonly value: unknown } | { readonly line: number; readonly problem: string };

const OPTIONS = { schema: KUBECTL_SCHEMA, uniqueKeys: true, prettyErrors: false } as const;

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
  const wrong = nodeProblem(doc, limits.yamlAliases);
  if (wrong) return { line: lineAt(wrong.offset), problem: wrong.problem };
  try {
    return { line, value: doc.toJS({ maxAliasCount: limits.yamlAliases }) };
  } catch (error) {
    return { line, problem: `cannot be read: ${error instanceof Error ? error.message : String(error)}` };
  }
}

const offsetOf = (node: unknown) => (node as Node | null)?.range?.[0] ?? 0;

interface Located { readonly offset: number; readonly problem: string }

/**
 * Aliases counted as toJS would resolve them (an alias to a node holding aliases counts those again),
 * and map keys kubectl cannot turn into JSON keys, walked without recursion in document order.
 */
function nodeProblem(doc: Document.Parsed, maxAliases: number): Located | undefined {
  const anchors = new Map<string, Node>();
  const inner = new Map<Node, number>(); // resolutions inside each finished anchored node
  const stack: Array<{ node: unknown; startedAt?: number }> = [{ node: doc.contents }];
  let resolutions = 0;
  while (stack.length > 0) {
    const { node, startedAt } = stack.pop()!;
    if (startedAt !== undefined) { inner.set(node as Node, resolutions - startedAt); continue; }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const within = target && inner.get(target);
      if (within === undefined) {
        return { offset: offsetOf(node), problem: target ? `alias *${node.source} is inside the node it repeats` : `alias *${node.source} has no anchor &${node.source} before it` };
      }
      resolutions += 1 + within;
      if (resolutions > maxAliases) return { offset: offsetOf(node), problem: `more than ${maxAliases} aliases, counting those inside what an alias repeats (the yamlAliases limit)` };
      continue;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) continue;
    if (node.anchor) { anchors.set(node.anchor, node); stack.push({ node, startedAt: resolutions }); }
    if (isSeq(node)) for (let i = node.items.length - 1; i >= 0; i--) stack.push({ node: node.items[i] });
    if (isMap(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const { key, value } = node.items[i];
        if (!isScalar(key) || key.value === null) return { offset: offsetOf(key ?? node), problem: 'a map key must be a string, number or boolean (kubectl refuses others)' };
        stack.push({ node: value }, { node: key });
      }
    }
  }
  return undefined;
}
