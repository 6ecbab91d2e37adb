// One mocha run over every package, service and the BFF. Sources are loaded through tsx with the
// "source" export condition, so tests need code generation but no build.
module.exports = {
  'node-option': ['conditions=source', 'import=tsx'],
  // Named test files on the command line run alone (mocha would otherwise add them to this list).
  spec: process.argv.slice(2).some((a) => /\.test\.tsx?$/.test(a))
    ? []
    : [
        'packages/*/test/**/*.test.ts',
        'services/*/test/**/*.test.ts',
        'bff/test/**/*.test.ts',
        'apps/web/test/**/*.test.ts',
        'apps/web/test/**/*.test.tsx',
        'k8s/test/**/*.test.ts',
      ],
  reporter: './packages/testing/summary.reporter.cjs',
  timeout: 30000,
  // Every suite shares two cores with the real services it starts: a test that fails once under that
  // load runs once more (a real failure fails twice; the summary counts it once).
  retries: 1,
  exit: true,
};
