import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../logger.js';

export interface CapturedLogger {
  readonly logger: Logger;
  /** Raw JSON lines written so far. */
  readonly lines: () => string[];
  /** Parsed log records written so far. */
  readonly records: () => Record<string, unknown>[];
}

/** A real telemetry logger (same redaction) that writes into memory, for asserting on log output in tests. */
export function createCapturingLogger(service = 'test', level = 'debug'): CapturedLogger {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') lines.push(line);
      cb();
    },
  });
  const logger = createLogger({ service, level, destination });
  return {
    logger,
    lines: () => [...lines],
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
