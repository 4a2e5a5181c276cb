// An error a construct throws about its input (a file it reads, a selector that matches nothing): synth reports it
// with its rule, the file (file:line) it is about and what to do, instead of as a crash of build().
// Recognized by shape, not class: every app bundle carries its own copy of lib/.

export class ConstructInputError extends Error {
  constructor(message: string, readonly rule: string, readonly hint: string, readonly sourceFile?: string) {
    super(message);
    this.name = 'ConstructInputError';
  }
}

export function isConstructInputError(error: unknown): error is ConstructInputError {
  if (!(error instanceof Error) || error.name !== 'ConstructInputError') return false;
  const e = error as Partial<ConstructInputError>;
  return typeof e.rule === 'string' && typeof e.hint === 'string';
}
