import type { EmailChange, PasswordChange, PasswordReset, User } from '#shared/schema/auth.ts';
import { api } from './client.ts';

// The account's sign-in details: password reset by an e-mailed link, change of password and of
// e-mail (server/accounts/password-routes.ts).

/** Asks for a reset link; the answer's words are the same whether or not an account uses the e-mail. */
export async function requestPasswordReset(email: string): Promise<string> {
  return (await api<{ message: string }>('POST', '/auth/password/reset-request', { email })).message;
}

/** Sets a new password from a reset link's token; the server signs this browser in. */
export async function resetPassword(input: PasswordReset): Promise<User> {
  return (await api<{ user: User }>('POST', '/auth/password/reset', input)).user;
}

/** Changes the password; every other session of the account ends. Returns how many ended. */
export async function changePassword(input: PasswordChange): Promise<number> {
  return (await api<{ sessions_ended: number }>('POST', '/auth/password', input)).sessions_ended;
}

/** Moves the account to a new e-mail address; returns the account as it now is. */
export async function changeEmail(input: EmailChange): Promise<User> {
  return (await api<{ user: User }>('POST', '/auth/email', input)).user;
}
