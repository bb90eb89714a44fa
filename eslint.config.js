import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

// Folder boundaries (docs/ARCHITECTURE.md §"Import rules"): client/ and server/ never import each other;
// shared/ is pure: no I/O, no Node built-ins, no ambient clock or randomness.
const importsFrom = (patterns, message, ...more) => ['error', { patterns: [...patterns.map((group) => ({ group: [group], message })), ...more] }];

// The server's shape (issue 20; scripts/boundaries.ts also checks that folders never import in a
// loop): lib/, db/ and jobs/ are infrastructure below every feature, and only app.ts mounts routes.
const serverNeverImports = ['**/client/**', '#client/*', '$lib/*', '$app/*', 'dexie', 'svelte*'];
const serverNeverMessage = 'server/ never imports client code.';
const notAnotherFeaturesRoutes = {
  group: ['../**/routes.ts', '../**/*-routes.ts', '#server/**/routes.ts', '#server/**/*-routes.ts'],
  message: "A feature never imports another feature's routes: move what they share out of the route module.",
};
const infrastructure = (allowed, message) => ({
  group: ['../*/**', '../*.ts', '#server/**', ...allowed.flatMap((dir) => [`!../${dir}/**`, `!#server/${dir}/**`])],
  message,
});

const impureShared = [
  { selector: "MemberExpression[object.name='Date'][property.name='now']", message: 'shared/ takes the time as an argument.' },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'shared/ takes the time as an argument.' },
  { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'shared/ takes randomness as an argument.' },
  {
    selector: "MemberExpression[object.name='crypto'][property.name=/^(randomUUID|getRandomValues)$/]",
    message: 'shared/ takes ids and randomness as arguments.',
  },
  { selector: "CallExpression[callee.name='fetch']", message: 'shared/ does no I/O.' },
];

export default ts.config(
  { ignores: ['build/', '.svelte-kit/', 'node_modules/', 'data/', 'scratch/', '.scratch/', 'test-results/', 'server/db/migrations/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: {
      globals: { ...globals.browser, ...globals.node },
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js', 'client/static/*.js'] },
        extraFileExtensions: ['.svelte'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // The PWA is always served at the origin's root (no `paths.base`), so plain hrefs are right.
      'svelte/no-navigation-without-resolve': 'off',
    },
  },
  { files: ['**/*.svelte', '**/*.svelte.ts'], languageOptions: { parserOptions: { parser: ts.parser } } },
  {
    files: ['client/**'],
    rules: {
      'no-restricted-imports': importsFrom(
        ['**/server/**', '#server/*', 'node:*', 'pg', 'drizzle-orm*', '@electric-sql/*', 'hono*'],
        'client/ never imports server code or Node-only modules.',
      ),
    },
  },
  {
    files: ['server/**'],
    ignores: ['server/app.ts'],
    rules: { 'no-restricted-imports': importsFrom(serverNeverImports, serverNeverMessage, notAnotherFeaturesRoutes) },
  },
  { files: ['server/app.ts'], rules: { 'no-restricted-imports': importsFrom(serverNeverImports, serverNeverMessage) } },
  {
    files: ['server/lib/**'],
    ignores: ['server/**/*.test.ts'],
    rules: { 'no-restricted-imports': importsFrom(serverNeverImports, serverNeverMessage, infrastructure([], 'lib/ is the bottom: it imports only lib/.')) },
  },
  {
    files: ['server/db/**'],
    ignores: ['server/**/*.test.ts'],
    rules: { 'no-restricted-imports': importsFrom(serverNeverImports, serverNeverMessage, infrastructure(['lib'], 'db/ imports only lib/ (and db/).')) },
  },
  {
    files: ['server/jobs/**'],
    ignores: ['server/**/*.test.ts', 'server/jobs/restart-child.ts'],
    rules: {
      'no-restricted-imports': importsFrom(
        serverNeverImports,
        serverNeverMessage,
        infrastructure(['lib', 'db'], 'jobs/ is the queue, the runner and the foreground gate: it imports only lib/ and db/, never a feature.'),
      ),
    },
  },
  {
    files: ['shared/**'],
    ignores: ['shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': importsFrom(
        [
          '**/client/**',
          '**/server/**',
          '#client/*',
          '#server/*',
          '$lib/*',
          'node:*',
          'fs',
          'path',
          'pg',
          'drizzle-orm*',
          'dexie',
          'hono*',
          '@electric-sql/*',
          '@anthropic-ai/*',
        ],
        'shared/ is pure: it imports only zod, @garmin/fitsdk and shared/*.',
      ),
      'no-restricted-syntax': ['error', ...impureShared],
    },
  },
  {
    files: ['**/*.test.ts', 'server/test/**', 'tests/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
