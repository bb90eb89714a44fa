import { parseArgs } from 'node:util';
import { createInvite } from '../accounts/users.ts';
import { fail, operatorRoute } from '../db/open-for-cli.ts';

// `npm run invite [-- --expires-days N]`: prints a new single-use invite code as the last line.

const { values } = parseArgs({ options: { 'expires-days': { type: 'string' } } });
const raw = values['expires-days'];
const expiresDays = raw === undefined ? undefined : Number(raw);
if (expiresDays !== undefined && (!Number.isInteger(expiresDays) || expiresDays < 1 || expiresDays > 365)) {
  fail('--expires-days must be a whole number of days from 1 to 365.');
}

const route = await operatorRoute();
let invite: { code: string; expires_at: string | null };
if (route.kind === 'server') {
  invite = (await route.call('/invites', expiresDays ? { expires_days: expiresDays } : {})) as typeof invite;
} else {
  try {
    invite = await createInvite(route.db, { now: new Date(), expiresDays });
  } finally {
    await route.done();
  }
}
console.log(invite.expires_at ? `Invite code (expires ${invite.expires_at}):` : 'Invite code (does not expire):');
console.log(invite.code);
