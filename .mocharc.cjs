// One mocha run over every package, service and the BFF. Sources are loaded through tsx with the
// "source" export condition, so tests need code generation but no build.
module.exports = {
  'node-option': ['conditions=source', 'import=tsx'],
  spec: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'bff/test/**/*.test.ts'],
  reporter: './packages/testing/summary.reporter.cjs',
  timeout: 30000,
  exit: true,
};
