import { describe } from 'vitest';
import { openTestPostgres } from '../test/databases.ts';
import { postgresUrl } from '../test/requirements.ts';
import { wireRowsContract } from '../test/wire-rows-contract.ts';

const url = postgresUrl('postgres wire rows contract');
if (url) wireRowsContract('Postgres', () => openTestPostgres(url));
else describe.skip('rows as devices receive them, on Postgres', () => {});
