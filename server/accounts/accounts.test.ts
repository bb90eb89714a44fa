import { accountsContract } from '../test/accounts-contract.ts';
import { openTestPglite } from '../test/databases.ts';

accountsContract('PGlite', openTestPglite);
