import { ApiError } from './api/client.ts';

/** Splits an API error into per-field messages and a general one, for forms. */
export function formErrors(error: unknown): { fields: Record<string, string>; general: string | null } {
  if (!(error instanceof ApiError)) return { fields: {}, general: 'Something went wrong. Please try again.' };
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.split(/[.[]/)[0] ?? '';
    if (key && !fields[key]) fields[key] = issue.message;
  }
  return { fields, general: Object.keys(fields).length > 0 ? null : error.message };
}
