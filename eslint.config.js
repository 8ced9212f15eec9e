import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'models/**', 'test-results/**', 'playwright-report/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      // The renderer runs in a plain browser too: no Node, no Electron, nothing from electron/**.
      'no-restricted-imports': ['error', { patterns: ['electron', 'node:*', 'better-sqlite3', 'sharp', '**/electron/**'] }],
    },
  },
  {
    files: ['src/shared/**/*.ts', 'src/vision/core/**/*.ts'],
    rules: {
      // Shared code is pure: no DOM, React, Node or Electron.
      'no-restricted-imports': ['error', { patterns: ['electron', 'node:*', 'better-sqlite3', 'sharp', 'react', 'react-dom', 'zustand', '**/electron/**'] }],
    },
  },
  {
    // tests of renderer-side code run in Node and may use real files, sharp and the Node pipeline
    files: ['src/**/*.test.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['electron/server/**/*.ts', 'electron/http/**/*.ts', 'electron/cli/**/*.ts'],
    rules: {
      // The Node host and the CLI run without the Electron binary.
      'no-restricted-imports': ['error', { paths: ['electron'] }],
    },
  },
)
