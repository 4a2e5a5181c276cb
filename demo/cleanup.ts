// What the demo started, stopped in reverse order once: at the end of --ci, on Ctrl-C, or after a
// failure. Each stop runs even when an earlier one failed; nothing else is ever stopped.
export class Cleanup {
  private readonly stops: { what: string; stop: () => Promise<void> | void }[] = [];
  private running: Promise<string[]> | undefined;

  add(what: string, stop: () => Promise<void> | void): void {
    this.stops.push({ what, stop });
  }

  /** Stops everything; returns what could not be stopped, with why. */
  run(): Promise<string[]> {
    this.running ??= (async () => {
      const failed: string[] = [];
      for (const { what, stop } of this.stops.reverse()) {
        try {
          await stop();
        } catch (err) {
          failed.push(`${what}: ${(err as Error).message}`);
        }
      }
      return failed;
    })();
    return this.running;
  }
}
