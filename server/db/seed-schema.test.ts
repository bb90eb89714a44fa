import { openTestPglite } from '../test/databases.ts';
import { seedContract } from '../test/seed-contract.ts';

seedContract('PGlite', openTestPglite);
