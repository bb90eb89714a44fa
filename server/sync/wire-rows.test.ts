import { openTestPglite } from '../test/databases.ts';
import { wireRowsContract } from '../test/wire-rows-contract.ts';

wireRowsContract('PGlite', openTestPglite);
