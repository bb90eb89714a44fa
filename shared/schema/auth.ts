import { z } from 'zod';
import { Text } from './text.ts';

export const PASSWORD_MIN_LENGTH = 10;

/** An e-mail address, trimmed and lower-cased so one person has one account. */
export const EmailSchema = Text.trim()
  .max(254, 'is too long')
  .pipe(z.email({ message: 'is not a valid e-mail address' }))
  .transform((email) => email.toLowerCase());

export const PasswordSchema = z.string().min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`).max(1024, 'is too long');

export const RegisterRequestSchema = z
  .object({
    invite_code: Text.trim().min(1, 'is required').max(100),
    name: Text.trim().min(1, 'is required').max(100, 'is too long'),
    email: EmailSchema,
    password: PasswordSchema,
  })
  .strict();
export type RegisterRequest = z.input<typeof RegisterRequestSchema>;

export const LoginRequestSchema = z
  .object({
    email: EmailSchema,
    // No length rule here: a login must not reveal the password policy of an account.
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict();
export type LoginRequest = z.input<typeof LoginRequestSchema>;

export const UserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  created_at: z.string(),
});
export type User = z.infer<typeof UserSchema>;
