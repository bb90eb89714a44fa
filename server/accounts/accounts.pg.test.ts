import { describe } from 'vitest';
import { accountsContract } from '../test/accounts-contract.ts';
import { openTestPostgres } from '../test/databases.ts';
import { postgresUrl } from '../test/requirements.ts';

const url = postgresUrl('postgres accounts contract');
if (url) accountsContract('Postgres', () => openTestPostgres(url));
else describe.skip('accounts and profiles on Postgres', () => {});
