import { rotateEpoch } from '../sync/versions.ts';
import { operatorRoute } from '../db/open-for-cli.ts';

// `npm run sync:rotate-epoch`: after restoring the database from a backup, devices hold changes
// and cursors the restored data never saw. A new epoch makes each one push first, then download
// everything again (docs/SYNC.md §G6). Prints the new epoch as its last line.

const route = await operatorRoute();
let epoch: string;
if (route.kind === 'server') {
  epoch = ((await route.call('/sync/rotate-epoch', {})) as { epoch: string }).epoch;
} else {
  try {
    epoch = await rotateEpoch(route.db);
  } finally {
    await route.done();
  }
}
console.log('Sync epoch rotated; every device will push its pending changes, then download again.');
console.log(epoch);
