import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The layer rules of docs/design.md §2, as lint rules: an import that crosses a boundary the wrong way fails
 * `npm run lint` (and so CI). Each entry is a regular expression over the import specifier.
 */
const forbid = (regex, message) => ({regex, message})
const OCLIF = forbid('^@oclif/', 'src/core and src/lab never import oclif: commands parse flags and call them.')
const CLI = forbid('(^|/)cli/', 'only commands import src/cli (BaseCommand, flag sets, prompts).')
const LAB = forbid('(^|/)lab/', 'only src/commands/lab/** and tests import src/lab.')
const COMMANDS = forbid('(^|/)commands/', 'nothing imports a command.')
/** The same rules for lazy `await import('...')`, which no-restricted-imports does not see. */
const dynamicImports = (patterns) =>
  patterns.map(({regex, message}) => ({
    selector: `ImportExpression > Literal[value=/${regex.replaceAll('/', '\\/')}/]`,
    message,
  }))
const layer = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: {
    'no-restricted-imports': ['error', {patterns}],
    'no-restricted-syntax': ['error', ...dynamicImports(patterns)],
  },
})

export default tseslint.config(
  {ignores: ['dist/**', 'dist-bin/**', 'coverage/**', 'bin/**', 'node_modules/**']},
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
  layer(['src/core/**'], [OCLIF, CLI, LAB, COMMANDS]),
  layer(['src/cli/**'], [LAB, COMMANDS]),
  layer(['src/lab/**'], [OCLIF, CLI, COMMANDS]),
  layer(['src/commands/**'], [LAB, COMMANDS], ['src/commands/lab/**']),
  layer(['src/commands/lab/**'], [COMMANDS]),
  prettier,
)
