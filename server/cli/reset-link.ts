import { eq } from 'drizzle-orm';
import { parseArgs } from 'node:util';
import { EmailSchema } from '#shared/schema/auth.ts';
import { resetLink } from '../accounts/password.ts';
import { users } from '../db/schema.ts';
import { fail, operatorRoute } from '../db/open-for-cli.ts';

// `npm run reset-link -- --email runner@example.com`: prints a password reset link for the
// account, for servers without an e-mail channel (the runner's reset page then says to ask the
// operator). The link works once, for an hour; send it to the runner by a channel you trust.

const { values } = parseArgs({ options: { email: { type: 'string' } } });
const parsed = EmailSchema.safeParse(values.email ?? '');
if (!parsed.success) fail('Usage: npm run reset-link -- --email runner@example.com');
const email = parsed.data;

const route = await operatorRoute();
let link: { url: string; expires_at: string } | null;
if (route.kind === 'server') {
  link = ((await route.call('/reset-link', { email })) as { link: typeof link }).link;
} else {
  try {
    const [user] = await route.db.select().from(users).where(eq(users.email, email));
    link = user ? resetLink(route.config, user, new Date()) : null;
  } finally {
    await route.done();
  }
}
if (!link) fail(`No account uses ${email}.`);
console.log(`Password reset link for ${email} (works once, until ${link.expires_at}):`);
console.log(link.url);
