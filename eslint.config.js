import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'test-results/', 'data/', 'db/migrations/', 'scratch/', 'fixtures/real-world/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Every query is a promise on both engines: one not awaited is a write that may not happen,
    // or happen outside its transaction.
    files: ['server/**/*.ts', 'jobs/**/*.ts', 'db/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'bin/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
    },
  },
  {
    files: ['web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The dashboard talks to the server over HTTP only: it never reaches into storage or crawlers.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/db/**', '**/db', '**/jobs/**', '**/jobs', '**/server/**', '**/server', '!svelte/server', 'better-sqlite3', 'drizzle-orm', 'drizzle-orm/*'], message: 'web/ may not import db/, jobs/ or server/: use the HTTP API.' },
            // The answers' shapes come from the contracts, as types: no schema code in the browser bundle.
            { group: ['**/contracts/**', '**/contracts', 'typebox', 'typebox/*'], allowTypeImports: true, message: 'web/ imports the contracts as types only (import type).' },
          ],
        },
      ],
    },
  },
  {
    files: ['jobs/**', 'db/**'],
    rules: {
      // Crawlers and storage know nothing of HTTP serving or the dashboard.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/**', '**/web/**'], message: 'jobs/ and db/ may not import server/ or web/.' }] }],
    },
  },
  {
    files: ['contracts/**'],
    rules: {
      // The API's contracts: schemas only, built from the methodology's vocabulary.
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', '**/db/**', '**/jobs/**', '**/server/**', '**/web/**'], message: 'contracts/ is pure: TypeBox and methodology/ only.' }] }],
    },
  },
  {
    files: ['methodology/**'],
    rules: {
      // Pure code: no I/O and nothing outside the folder.
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', '../*', 'fs', 'path'], message: 'methodology/ is pure: no I/O, no imports outside the folder.' }] }],
    },
  },
);
