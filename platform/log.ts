/** The one logger of the platform: JSON lines on stderr, level from LOG_LEVEL (debug|info|warn|error|silent). */
const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
type Level = keyof typeof LEVELS;

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const min = LEVELS[level as Level] ?? LEVELS.info;
  const write = (l: Level) => (msg: string, data?: Record<string, unknown>) => {
    if (LEVELS[l] < min) return;
    process.stderr.write(JSON.stringify({ time: new Date().toISOString(), level: l, msg, ...data }) + '\n');
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
