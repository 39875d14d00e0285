// ESLint with typescript-eslint's type-aware rules over the app, its tests and
// the benchmark. Formatting is Prettier's (npm run format), not ESLint's.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'bench/dist/**',
      'bench/results/**',
      'node_modules/**',
      '.ci/**',
      '.data/**',
      'coverage/**',
      'public/**',
      'test/support/cjs/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its rejection: every one is awaited, returned or marked `void` on purpose.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Off, with reasons: HttpStatus is a numeric enum compared with Fastify's plain numbers on purpose;
      // an async function without await still promises (interfaces ask for it); the error catalogue's codes
      // widen to string where a framework's own code may stand; Nest's APIs are unbound by design.
      '@typescript-eslint/no-unsafe-enum-comparison': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-redundant-type-constituents': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // String() of an unknown that is a primitive by then (SQL literals, log lines) is what is meant.
      '@typescript-eslint/no-base-to-string': 'off',
    },
  },
  {
    // Tests and the benchmark read HTTP answers and rows whose type is `any` by nature (supertest's body, JSON):
    // they keep the promise and unused-code rules, not the ones about `any`.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'src/**/*.spec.ts', 'src/**/*.int-spec.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // Tests reject with plain values and print whatever a run returned on purpose.
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
      '@typescript-eslint/restrict-template-expressions': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { process: 'readonly', console: 'readonly' } },
  },
);
