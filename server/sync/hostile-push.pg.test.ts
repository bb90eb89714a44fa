import { describe } from 'vitest';
import { openTestPostgres } from '../test/databases.ts';
import { postgresUrl } from '../test/requirements.ts';
import { hostilePushContract } from './hostile-push-contract.ts';

const url = postgresUrl('postgres hostile pushes');
if (url) hostilePushContract('Postgres', () => openTestPostgres(url));
else describe.skip('hostile pushes, on Postgres', () => {});
