export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

// A last guard for log calls that pass an error's message along: a database error's message
// quotes the SQL and its parameters (issue 15, M5), so such text is replaced, and any long value
// is cut, so one request can never put its body in the log.
const DATABASE_TEXT = /Failed query:|\bparams:|invalid input syntax|violates .* constraint|Key \(/;
const MAX_FIELD_CHARS = 1000;

/** Log fields with database-error text replaced and long strings cut (nested values too). */
export function safeLogFields(fields: Record<string, unknown> | undefined): Record<string, unknown> {
  const clean = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      if (DATABASE_TEXT.test(value)) return '[database error text withheld]';
      return value.length > MAX_FIELD_CHARS ? `${value.slice(0, MAX_FIELD_CHARS)}… (${value.length} chars)` : value;
    }
    if (value instanceof Error) return { error_class: value.constructor?.name || value.name };
    if (!value || typeof value !== 'object') return value;
    if (depth > 4) return '[nested too deep]';
    if (Array.isArray(value)) return value.slice(0, 50).map((item) => clean(item, depth + 1));
    return Object.fromEntries(
      Object.entries(value)
        .slice(0, 50)
        .map(([key, item]) => [key, clean(item, depth + 1)]),
    );
  };
  return (clean(fields ?? {}, 0) as Record<string, unknown>) ?? {};
}

/** A logger that writes one JSON line per event to stderr. */
export function jsonLogger(): Logger {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, message, ...safeLogFields(fields) })}\n`);
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** A logger that keeps lines in memory, for tests that assert nothing secret is logged. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push(JSON.stringify({ level, message, ...fields }));
  return { lines, info: write('info'), warn: write('warn'), error: write('error') };
}
