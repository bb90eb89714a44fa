import { z } from 'zod';
import { AppError } from './errors.ts';

const UuidSchema = z.uuid();

/** A route's `:id`; anything that is not a UUID cannot name a row, so it is a 404, not a 500. */
export function routeId(value: string | undefined, what: string): string {
  if (!value || !UuidSchema.safeParse(value).success) throw AppError.notFound(what);
  return value;
}
