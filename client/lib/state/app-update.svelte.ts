import { Workbox } from 'workbox-window';

/** The service worker's state for the UI: offline-ready, and a prompt when a new version is live. */
class AppUpdate {
  /** A new version took over this page; reloading shows it. */
  updateReady = $state(false);

  /** Registers the service worker (production builds only: dev serves files from source). */
  register(): void {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    const workbox = new Workbox('/sw.js', { scope: '/' });
    // skipWaiting + clientsClaim: a new worker takes control at once; the page offers a reload
    // so the runner is never left on old code talking to a newer cache.
    workbox.addEventListener('controlling', (event) => {
      if (event.isUpdate) this.updateReady = true;
    });
    workbox.register().catch((error: unknown) => console.warn('service worker registration failed', error));
  }

  reload(): void {
    window.location.reload();
  }
}

export const appUpdate = new AppUpdate();
