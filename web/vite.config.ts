/**
 * Vite config of the staff web app. Run from the repository root:
 *   vite build --config web/vite.config.ts   (bin/build-web.js does this on npm install)
 * The app imports the domain core (../core) directly, so validation rules and labels are shared
 * with the server.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { antdStaticCss } from './antd-static-css.js';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Writes `.br` and `.gz` siblings of every text asset, so a static server with pre-compressed
 * serving (@fastify/static `preCompressed: true`) sends them compressed without compressing on
 * each request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'bcs-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    writeBundle(_options, bundle) {
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue;
        const file = path.join(outDir, fileName);
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
        fs.writeFileSync(
          `${file}.br`,
          zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }),
        );
      }
    },
  };
}

export default defineConfig(({ command, mode }) => {
  // A production build is a production build even when started from a test runner that set
  // NODE_ENV=test (React and antd would otherwise ship their development builds).
  if (command === 'build' && mode === 'production') process.env.NODE_ENV = 'production';
  return {
    root,
    base: '/',
    plugins: [react(), antdStaticCss(root), precompress()],
    resolve: {
      // rc-table measures the scroll bar (a forced layout) on every table mount: once is enough
      // (web/src/lib/scrollbarSize.ts, which imports the original by its `.js` name).
      alias: [{ find: /^rc-util\/es\/getScrollBarSize$/, replacement: path.join(root, 'src/lib/scrollbarSize.ts') }],
    },
    build: {
      outDir: 'dist',
      // dist/.vite/manifest.json: which chunks each page needs, for the server's modulepreload
      // links in a signed-in page (server/web.ts). Not served (a dot directory).
      manifest: true,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 1200,
      rollupOptions: {
        onwarn(warning, warn) {
          // zod ships comments Rollup cannot place; harmless, and not ours to fix.
          if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
          warn(warning);
        },
        output: {
          // React is needed by every page and changes rarely: one long-cacheable chunk. Everything
          // else (antd components, zod, echarts) is split along the lazy routes by Rollup itself.
          manualChunks(id) {
            if (/[\\/]node_modules[\\/](react|react-dom|scheduler)[\\/]/.test(id)) return 'react';
            return undefined;
          },
        },
      },
    },
    server: {
      port: 5173,
      fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
      proxy: { '/api': 'http://127.0.0.1:3000' },
    },
  };
});
