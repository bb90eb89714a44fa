import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vitest/config';

/** Vitest projects: each runs in Node; the browser suite drives Debian's Chromium itself. */
const testProjects = [
  { name: 'shared', include: ['shared/**/*.test.ts'] },
  { name: 'server', include: ['server/**/*.test.ts'], exclude: ['server/**/*.pg.test.ts'] },
  { name: 'postgres', include: ['server/**/*.pg.test.ts'], fileParallelism: false },
  { name: 'client', include: ['client/**/*.test.ts'] },
  { name: 'sync', include: ['tests/sync/**/*.test.ts'], testTimeout: 300_000 },
  { name: 'browser', include: ['tests/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 180_000 },
].map(({ name, include, exclude, ...rest }) => ({
  test: { name, include, exclude, environment: 'node', testTimeout: 20_000, hookTimeout: 30_000, ...rest },
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
  ],
  server: { proxy: { '/api': 'http://localhost:8787' } },
  test: { projects: testProjects },
});
