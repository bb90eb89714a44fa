// Background Sync for RunCoach (docs/SYNC.md §Device), loaded into the generated service worker by
// workbox.importScripts (vite.config.ts). Plain script: no imports, no build step.
//
// The runner's data, outbox and sync lock live in the page (Dexie per user, Web Locks), and the
// push must never mix one runner's outbox with another's session. So this worker does not sync
// by itself: when the browser fires our tag (back online), it asks the open tabs to sync now and
// waits for their answer. With no tab open it does nothing: the app syncs when it next starts.
// Keep the names in step with client/lib/sync/locks.ts.

const SYNC_TAG = 'runcoach-sync';
const SYNC_REQUEST = 'runcoach:sync';
/** How long a tab may take to answer (the browser ends a sync event after a few minutes). */
const ANSWER_TIMEOUT_MS = 60_000;

/** Asks one tab to sync; resolves with its answer, or a retryable failure if it never answers. */
function askTab(tab) {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => {
      channel.port1.close();
      resolve({ ok: false, code: 'no_answer', retry: true });
    }, ANSWER_TIMEOUT_MS);
    channel.port1.onmessage = (event) => {
      clearTimeout(timer);
      channel.port1.close();
      const answer = event.data;
      resolve(answer && typeof answer.ok === 'boolean' ? answer : { ok: false, code: 'bad_answer', retry: true });
    };
    tab.postMessage({ type: SYNC_REQUEST }, [channel.port2]);
  });
}

/**
 * Settles once one tab has synced, or all have answered. Rejecting makes the browser fire the
 * event again later (with back-off), which is right only when a retry can help.
 */
async function syncThroughTabs() {
  const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  if (tabs.length === 0) return;
  await new Promise((resolve, reject) => {
    let waiting = tabs.length;
    let retry = false;
    for (const tab of tabs) {
      void askTab(tab).then((answer) => {
        if (answer.ok) return resolve();
        retry ||= answer.retry === true;
        if (--waiting > 0) return;
        if (retry) reject(new Error(`sync failed in every tab (${answer.code})`));
        else resolve();
      });
    }
  });
}

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncThroughTabs());
});
