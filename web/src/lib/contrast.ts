/**
 * WCAG 2.1 contrast ratio of two colours (https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio), for
 * the tests that keep the theme's text and tag colours at AA (4.5:1 for normal text).
 */

/** AA for normal-size text. */
export const AA_TEXT = 4.5;

type RGBA = [number, number, number, number];

/** '#rgb', '#rrggbb' or 'rgba(r,g,b,a)' / 'rgb(r,g,b)'. */
export function parseColor(color: string): RGBA {
  const c = color.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(c);
  if (hex) {
    const h = hex[1]!.length === 3 ? [...hex[1]!].map((x) => x + x).join('') : hex[1]!;
    return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16), 1];
  }
  const fn = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(c);
  if (fn) return [Number(fn[1]), Number(fn[2]), Number(fn[3]), fn[4] === undefined ? 1 : Number(fn[4])];
  throw new Error(`无法解析的颜色：${color}`);
}

/** A (possibly translucent) colour laid over an opaque background. */
function over(fg: RGBA, bg: RGBA): RGBA {
  const a = fg[3];
  return [fg[0] * a + bg[0] * (1 - a), fg[1] * a + bg[1] * (1 - a), fg[2] * a + bg[2] * (1 - a), 1];
}

function luminance([r, g, b]: RGBA): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** The contrast ratio (1–21) of text `fg` on `bg`; a translucent `fg` is first laid over `bg`. */
export function contrastRatio(fg: string, bg: string): number {
  const b = parseColor(bg);
  if (b[3] !== 1) throw new Error(`背景色须不透明：${bg}`);
  const f = over(parseColor(fg), b);
  const [hi, lo] = [luminance(f), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
