// The agent's structured JSON logs (pino): one line per event, ISO time, level as a word.
import { destination, pino, stdTimeFunctions, type DestinationStream, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export interface LoggerOptions {
  /** @default 'info' */
  readonly level?: string;
  /** Fields on every line, e.g. { env: 'prod' }. @default {} */
  readonly bindings?: Readonly<Record<string, unknown>>;
  /** Where lines go. @default stdout */
  readonly destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { component: 'gitops-agent', ...options.bindings },
    timestamp: stdTimeFunctions.isoTime,
    // 'level: "info"' rather than 30: readable by people and by log tools without a table.
    formatters: { level: (label) => ({ level: label }) },
  }, options.destination ?? destination(1)); // synchronous: a line written before exit is not lost
}
