import { openTestPglite } from '../test/databases.ts';
import { hostilePushContract } from './hostile-push-contract.ts';

hostilePushContract('PGlite', openTestPglite);
