// TypeScript names for what a CRD holds: class names from kinds and versions (as cdk8s import spells
// them: HTTPRoute -> HttpRoute, v1beta1 -> V1Beta1), property keys quoted when they are not plain
// identifiers, and one namespace of type names per module so two types never share a name.

const WORDS = /[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g;

// ECMAScript's reserved words, quoted although an interface allows them: the output stays obvious to
// readers and tools. Contextual words (type, string, get) stay bare; `readonly` and `constructor` are quoted too.
const RESERVED = new Set(('break case catch class const continue debugger default delete do else enum export extends false finally for ' +
  'function if import in instanceof new null return super switch this throw true try typeof var void while with implements ' +
  'interface let package private protected public static yield await readonly constructor').split(' '));

/** 'HTTPRoute' -> 'HttpRoute', 'x-kubernetes-foo' -> 'XKubernetesFoo', '2fa' -> 'X2Fa'; never empty. */
export function pascalCase(text: string): string {
  const words = text.match(WORDS) ?? [];
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase()).join('');
  if (name === '') return 'Field';
  return /^[0-9]/.test(name) ? `X${name}` : name;
}

/** A property key as written in an interface: bare when it is a plain identifier, else a string literal. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : JSON.stringify(name);
}

/** The type names of one module: `take` returns the name asked for, or it with the first free number. */
export class TypeNames {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    let name = wanted;
    for (let n = 2; this.used.has(name); n++) name = `${wanted}${n}`;
    this.used.add(name);
    return name;
  }
}
