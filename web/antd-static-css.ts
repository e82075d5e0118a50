/**
 * Ant Design's styles as a static stylesheet, computed at build time (issue 11: page time).
 *
 * antd v5 writes its CSS at run time (CSS-in-JS): on every full page load each component's style
 * object is built from the theme, serialised, hashed and inserted as a <style> tag — a large part
 * of the script time before the first paint. @ant-design/cssinjs can skip all of it when the page
 * carries a stylesheet that ends with a map of the styles it contains (`extractStyle()`'s
 * `.data-ant-cssinjs-cache-path{content:"…"}` rule): it then takes each style from the file
 * instead of computing it (`useStyleRegister` → `existPath`).
 *
 * This plugin renders every antd component the web app imports (found by reading `from 'antd'`
 * in web/src, so a newly used component is included by the next build), with the app's theme and
 * locale exactly as web/src/App.tsx sets them, on the server (react-dom/server) into a fresh
 * style cache, and writes that cache as `assets/antd-<hash>.css`, linked first in index.html so
 * the app's own CSS still comes after it. Pop-up parts (a Select's list, a DatePicker's panel, a
 * Modal, a Tooltip) are rendered through antd's internal panel components where antd has them.
 * A style not in the file is still generated at run time as before: the file can only save work,
 * never lose a style. The class-name hash depends on the theme and antd's version, both the same
 * here as in the browser; production mode is forced as in the app's own build.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Plugin } from 'vite';

/**
 * Components whose markup the app writes itself in places (web/src/components/LiteShell.tsx,
 * LiteTag, LiteTable, the 工作台's lists): their styles are in the file even where no module imports
 * the component any more.
 */
const MARKUP = ['Badge', 'Button', 'Card', 'Layout', 'List', 'Menu', 'Skeleton', 'Space', 'Table', 'Tag'];

/** Components that render nothing of their own or cannot render outside an app. */
const SKIP = new Set(['ConfigProvider', 'Grid', 'Tour', 'version', 'theme']);

function usedAntdNames(srcDir: string): string[] {
  const names = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/import\s*\{([^}]+)\}\s*from\s*'antd'/g)) {
          for (const part of m[1]!.split(',')) {
            const name = part.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!.trim();
            if (/^[A-Z]/.test(name) && !part.trim().startsWith('type ')) names.add(name);
          }
        }
      }
    }
  };
  walk(srcDir);
  return [...names].sort();
}

export async function extractAntdCss(webRoot: string): Promise<{ css: string; components: string[] }> {
  process.env.NODE_ENV = 'production';
  const React = await import('react');
  const { renderToString } = await import('react-dom/server');
  const antd = (await import('antd')) as unknown as Record<string, unknown> & { default?: Record<string, unknown> };
  const lib = (antd.default ?? antd) as Record<string, any>;
  const cssinjs = await import('@ant-design/cssinjs');
  const zhCN = (await import('antd/locale/zh_CN.js')).default;
  const { theme } = await import('./src/theme.js');
  const h = React.createElement;

  const cache = cssinjs.createCache();
  const rendered: string[] = [];
  const render = (name: string, node: React.ReactNode): void => {
    try {
      renderToString(
        h(cssinjs.StyleProvider, { cache }, h(lib.ConfigProvider, { locale: zhCN, theme, button: { autoInsertSpace: false } }, node)),
      );
      rendered.push(name);
    } catch {
      // A component that cannot render on its own here: its style is generated at run time.
    }
  };
  const names = [...new Set([...usedAntdNames(path.join(webRoot, 'src')), ...MARKUP])].sort();
  // message and notification come through App.useApp(): their panels carry their styles.
  for (const name of [...names, 'message', 'notification']) {
    if (SKIP.has(name)) continue;
    const Comp = lib[name];
    if (!Comp) continue;
    const Panel = Comp._InternalPanelDoNotUseOrYouWillBeFired;
    if (Panel) render(`${name}（弹出层）`, h(Panel, {}));
    if (typeof Comp === 'function' || (typeof Comp === 'object' && '$$typeof' in Comp)) render(name, h(Comp, {}));
  }
  // Parts with styles of their own: the collapsible menu column, the coloured tags.
  if (names.includes('Layout')) render('Layout.Sider', h(lib.Layout.Sider, {}));
  // A form field (its control has a style of its own).
  if (names.includes('Form')) render('Form.Item', h(lib.Form, {}, h(lib.Form.Item, { label: '字段', name: 'f' }, h(lib.Input, {}))));
  // Inputs and buttons joined in a row (the 台账's search box with its 搜索 button).
  if (names.includes('Input')) {
    render('Input.Search', h(lib.Input.Search, { enterButton: '搜索', allowClear: true }));
    render('Input（其他）', h(React.Fragment, {}, h(lib.Input.TextArea, { showCount: true, maxLength: 10 }), h(lib.Input.Password, {}), h(lib.Input, { addonBefore: 'a', prefix: 'b', allowClear: true })));
  }
  if (names.includes('Space')) render('Space.Compact', h(lib.Space.Compact, {}, h(lib.Input, {}), h(lib.Button, {}), h(lib.Select, {})));
  if (names.includes('Tag')) {
    const colors = ['success', 'processing', 'error', 'warning', 'default', 'red', 'volcano', 'orange', 'gold', 'yellow', 'lime', 'green', 'cyan', 'blue', 'geekblue', 'purple', 'magenta'];
    render('Tag（颜色）', h(React.Fragment, {}, ...colors.map((color) => h(lib.Tag, { key: color, color }))));
  }
  return { css: cssinjs.extractStyle(cache, { plain: true }), components: rendered };
}

export function antdStaticCss(webRoot: string): Plugin {
  let fileName = '';
  let css = '';
  return {
    name: 'bcs-antd-static-css',
    apply: 'build',
    async buildStart() {
      const out = await extractAntdCss(webRoot);
      css = out.css;
      const hash = crypto.createHash('sha256').update(css).digest('hex').slice(0, 10);
      fileName = `assets/antd-${hash}.css`;
    },
    transformIndexHtml() {
      return [{ tag: 'link', attrs: { rel: 'stylesheet', href: `/${fileName}` }, injectTo: 'head-prepend' }];
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName, source: css });
    },
  };
}
