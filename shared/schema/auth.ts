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

/** Asks for a reset link by e-mail; the answer is the same whether or not an account uses it. */
export const PasswordResetRequestSchema = z.object({ email: EmailSchema }).strict();
export type PasswordResetRequest = z.input<typeof PasswordResetRequestSchema>;

/** Sets a new password with the token of a reset link. */
export const PasswordResetSchema = z
  .object({
    token: z.string().min(1, 'is required').max(300, 'is too long'),
    password: PasswordSchema,
  })
  .strict();
export type PasswordReset = z.input<typeof PasswordResetSchema>;

/** Changes the password of the signed-in runner: the current one first. */
export const PasswordChangeSchema = z
  .object({
    current_password: z.string().min(1, 'is required').max(1024),
    new_password: PasswordSchema,
  })
  .strict();
export type PasswordChange = z.input<typeof PasswordChangeSchema>;

/** Moves the signed-in runner's account to another e-mail address: the password first. */
export const EmailChangeSchema = z
  .object({
    email: EmailSchema,
    password: z.string().min(1, 'is required').max(1024),
  })
  .strict();
export type EmailChange = z.input<typeof EmailChangeSchema>;
