// The web app's build: the workspace's TypeScript packages (the SDK) compiled from source (the
// `source` export condition), nothing fetched from the internet.
import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  transpilePackages: ['@family/sdk'],
  // Type-checked by `tsc -p apps/web/tsconfig.json` in the repository's typecheck and lint, not per build.
  typescript: { ignoreBuildErrors: true },
  turbopack: { resolveExtensions: ['.tsx', '.ts', '.jsx', '.js', '.mjs', '.json'] },
  webpack(webpackConfig: { resolve: { conditionNames?: string[]; extensionAlias?: Record<string, string[]> } }) {
    webpackConfig.resolve.conditionNames = ['source', 'browser', 'import', 'module', 'default'];
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    return webpackConfig;
  },
};

export default config;
