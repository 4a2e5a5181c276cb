// What the demo prints: numbered steps, results and hints, each wrapped to fit an 80-column
// terminal; colour only when stdout is a terminal (and NO_COLOR is unset).
export const width = 80;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export interface Output {
  step(title: string): void;
  ok(text: string): void;
  info(text: string): void;
  fail(text: string): void;
  /** Lines printed as they are (a table, a command), only folded when wider than the terminal. */
  block(text: string): void;
}

type Paint = (code: number, text: string) => string;

export function createOutput(write: (line: string) => void = (l) => process.stdout.write(`${l}\n`), colour = useColour()): Output {
  const paint: Paint = colour ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
  let steps = 0;
  // A mark is one column wide: continuation lines line up with the text after it.
  const lines = (mark: string, text: string) => wrap(text, width - 3).forEach((l, i) => write(`${i === 0 ? mark : ' '}  ${l}`));
  return {
    step: (title) => write(`\n${paint(1, `${++steps}. ${title}`)}`),
    ok: (text) => lines(paint(32, '✓'), text),
    info: (text) => lines(' ', text),
    fail: (text) => lines(paint(31, '✗'), text),
    block: (text) => text.split('\n').forEach((l) => wrap(l, width - 4).forEach((part, i) => write(`${i === 0 ? '    ' : '      '}${part}`))),
  };
}

function useColour(): boolean {
  return Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined;
}

/** Splits text into lines of at most `max` characters, at spaces where it can, keeping a line's leading indent. */
export function wrap(text: string, max: number): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let rest = line;
    while (rest.length > max) {
      const space = rest.lastIndexOf(' ', max);
      const cut = space > max / 3 ? space : max;
      out.push(rest.slice(0, cut).trimEnd());
      rest = rest.slice(cut).trimStart();
    }
    out.push(rest);
  }
  return out;
}
