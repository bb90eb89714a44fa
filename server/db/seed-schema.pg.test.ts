import { describe } from 'vitest';
import { openTestPostgres } from '../test/databases.ts';
import { postgresUrl } from '../test/requirements.ts';
import { seedContract } from '../test/seed-contract.ts';

const url = postgresUrl('postgres seed contract');
if (url) seedContract('Postgres', () => openTestPostgres(url));
else describe.skip("the seed's schema, on Postgres", () => {});
