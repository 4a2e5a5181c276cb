// Polls until a check passes; on timeout the error names what was awaited and what was seen last.
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, show: (value: T) => string = (v) => JSON.stringify(v)?.slice(0, 400) ?? 'undefined'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing yet';
  for (;;) {
    try {
      const value = await read();
      if (done(value)) return value;
      last = show(value);
    } catch (err) {
      last = (err as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${last}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
