/**
 * antd's markup without antd's component (issue 11: page time). Every antd component instance runs
 * antd's CSS-in-JS hooks on each render (theme token, style-path hash, cache look-up) even when its
 * style comes from the static stylesheet (web/antd-static-css.ts): a list of 50 cases with a few
 * tags per row paid that a few hundred times per render. A read-only tag needs none of it: the same
 * `<span class="ant-tag ant-tag-gold css-…">` antd renders, styled by the same static rules.
 *
 * The `css-…` class is the theme's hash (antd scopes its rules with `:where(.css-…)`): read once
 * from antd (`theme.useToken()`) by `AntdHashProvider` near the root and handed down by context.
 */
import { createContext, useContext, type CSSProperties, type HTMLAttributes, type ReactNode } from 'react';
import { theme } from 'antd';

const AntdHash = createContext('');

/** Provides antd's class-name hash of the current theme to the light components below it. */
export function AntdHashProvider({ children }: { children: ReactNode }) {
  const { hashId } = theme.useToken();
  return <AntdHash.Provider value={hashId}>{children}</AntdHash.Provider>;
}

/** antd's hash class of the theme (`css-…`), '' outside `AntdHashProvider`. */
export function useAntdHash(): string {
  return useContext(AntdHash);
}

/** The preset and status colours antd's Tag has a class for (`ant-tag-<color>`). */
export type LiteTagColor =
  | 'red'
  | 'volcano'
  | 'orange'
  | 'gold'
  | 'yellow'
  | 'lime'
  | 'green'
  | 'cyan'
  | 'blue'
  | 'geekblue'
  | 'purple'
  | 'magenta'
  | 'success'
  | 'processing'
  | 'error'
  | 'warning';

/** antd's `<Tag color=…>` as markup: not closable, no custom (hex) colour — use antd's Tag for those. */
export function LiteTag({
  color,
  className,
  style,
  children,
  ...rest
}: { color?: LiteTagColor; className?: string; style?: CSSProperties; children: ReactNode } & HTMLAttributes<HTMLSpanElement> & {
    [data: `data-${string}`]: string | undefined;
  }) {
  const hash = useAntdHash();
  const cls = ['ant-tag', color ? `ant-tag-${color}` : '', hash, className ?? ''].filter(Boolean).join(' ');
  return (
    <span className={cls} style={style} {...rest}>
      {children}
    </span>
  );
}
