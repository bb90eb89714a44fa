import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import tailwindcss from '@tailwindcss/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vitest/config';

/** Vitest projects: each runs in Node; the browser suite drives Debian's Chromium itself. */
const testProjects = [
  { name: 'shared', include: ['shared/**/*.test.ts'] },
  { name: 'scripts', include: ['scripts/**/*.test.ts'] },
  { name: 'server', include: ['server/**/*.test.ts'], exclude: ['server/**/*.pg.test.ts'], globalSetup: ['server/test/global-setup.ts'] },
  { name: 'postgres', include: ['server/**/*.pg.test.ts'], fileParallelism: false },
  // extends: the Svelte plugin compiles runes (*.svelte.ts) for these tests too.
  { name: 'client', include: ['client/**/*.test.ts'], extends: true, setupFiles: ['fake-indexeddb/auto'] },
  { name: 'sync', include: ['tests/sync/**/*.test.ts'], testTimeout: 300_000, globalSetup: ['server/test/global-setup.ts'] },
  { name: 'browser', include: ['tests/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 180_000 },
].map(({ name, include, exclude, extends: inherit, setupFiles = [], ...rest }) => ({
  ...(inherit ? { extends: true as const } : {}),
  // Every project seeds fast-check the same way: npm test is deterministic (FC_SEED, FC_RUNS to widen).
  test: {
    name,
    include,
    exclude,
    environment: 'node',
    testTimeout: 20_000,
    hookTimeout: 30_000,
    setupFiles: ['shared/testing/properties.setup.ts', ...setupFiles],
    ...rest,
  },
}));

export default defineConfig({
  plugins: [
    tailwindcss(),
    sveltekit({
      adapter: adapter({ pages: 'build', assets: 'build', fallback: 'index.html', strict: true }),
      files: {
        routes: 'client/routes',
        lib: 'client/lib',
        appTemplate: 'client/app.html',
        assets: 'client/static',
        hooks: { client: 'client/hooks.client', server: 'client/hooks.server', universal: 'client/hooks' },
        params: 'client/params',
        serviceWorker: 'client/service-worker',
      },
      alias: { '#shared': 'shared' },
    }),
    SvelteKitPWA({
      registerType: 'prompt',
      // Registered by client/lib/state/app-update.svelte.ts through workbox-window.
      injectRegister: false,
      kit: { adapterFallback: 'index.html', spa: true },
      manifest: {
        name: 'RunCoach',
        short_name: 'RunCoach',
        description: 'Your personal running coach: plans on training science, workouts on your watch.',
        id: '/',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: '#0f766e',
        background_color: '#0f172a',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        clientsClaim: true,
        skipWaiting: true,
        // Background Sync's `sync` handler (client/static/sw-sync.js): it asks the open tab to sync.
        importScripts: ['/sw-sync.js'],
        // Every built chunk, including the lazily loaded FIT SDK, so export works offline. This
        // takes in sw-sync.js too, on purpose: its revision in sw.js makes any change to it a new
        // service worker, whatever the HTTP cache holds of the imported script.
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,webmanifest}'],
        // Must name a precached URL: the SPA shell is precached as index.html.
        navigateFallback: '/index.html',
        // The API is never answered from the cache.
        navigateFallbackDenylist: [/^\/api\//],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  server: { proxy: { '/api': 'http://localhost:8787' } },
  test: { projects: testProjects },
});
