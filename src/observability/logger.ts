import { pino, type Logger } from 'pino';
import type { LogLevel } from '../config/config.js';

/** Structured JSON logs on stdout (pino). Tests pass `silent`. */
export function createLogger(level: LogLevel | 'silent', name = 'switchboard'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}

export type { Logger };
