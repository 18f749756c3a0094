import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/**', 'coverage/**', 'bin/**', 'node_modules/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {languageOptions: {globals: globals.node}},
  {files: ['**/*.cjs'], languageOptions: {sourceType: 'commonjs', globals: globals.node}},
  {
    rules: {
      'no-control-regex': 'off',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  prettier,
)
