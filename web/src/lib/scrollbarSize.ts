/**
 * rc-util's scroll-bar measurement, measured once (issue 11: page time). Put in place of
 * `rc-util/es/getScrollBarSize` for rc-table by web/vite.config.ts.
 *
 * rc-table measures the scroll bar of its body in a layout effect on every mount: it inserts a
 * <style> and a 100×100 scrolling box and reads its size — a forced style and layout pass of the
 * whole page, before its first paint, once per table (the case page has four: ≈ 100 ms of its
 * script). The app gives no element its own scroll-bar style (no `::-webkit-scrollbar`, no
 * `scrollbar-width`), so every element's scroll bar is the page's: measured once, while the page
 * is still empty (this module runs before the first render), and answered from then on.
 */
import getScrollBarSize, { getTargetScrollBarSize as measureTarget } from 'rc-util/es/getScrollBarSize.js';

let size: { width: number; height: number } | null = null;

function measured(): { width: number; height: number } {
  size ??= measureTarget(document.body);
  return size;
}
if (typeof document !== 'undefined' && document.body) measured();

export default getScrollBarSize;

export function getTargetScrollBarSize(target: unknown): { width: number; height: number } {
  if (typeof document === 'undefined' || !(target instanceof Element)) return { width: 0, height: 0 };
  return measured();
}
