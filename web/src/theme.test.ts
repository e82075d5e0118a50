import { describe, expect, it } from 'vitest';
import { theme as antdTheme } from 'antd';
import { CASE_STATUSES } from '../../core/domain';
import { AA_TEXT, contrastRatio, parseColor } from './lib/contrast';
import { PRESET_TAG_TEXT, STATUS_TAG_TEXT, SURFACES, TEXT, theme } from './theme';
import { STATUS_TAG_COLORS } from './components/CaseTags';

describe('contrastRatio', () => {
  it('gives the WCAG ratios of known pairs', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    // antd's grey secondary text, as axe-core reports it.
    expect(contrastRatio('#8c8c8c', '#ffffff')).toBeCloseTo(3.36, 2);
    // The header's gold role tag before this theme (axe: 2.75).
    expect(contrastRatio('#d48806', '#fffbe6')).toBeCloseTo(2.76, 2);
    // Order does not matter; short hex and rgb() parse.
    expect(contrastRatio('#fff', '#767676')).toBeCloseTo(contrastRatio('#767676', '#ffffff'), 10);
    expect(contrastRatio('rgb(118, 118, 118)', '#fff')).toBeGreaterThan(4.5);
  });

  it('lays a translucent text colour over its background first', () => {
    // rgba(0,0,0,.45) on white is #8c8c8c.
    expect(contrastRatio('rgba(0, 0, 0, 0.45)', '#ffffff')).toBeCloseTo(contrastRatio('#8c8c8c', '#ffffff'), 1);
    expect(() => contrastRatio('#000', 'rgba(0,0,0,0.5)')).toThrow();
    expect(() => parseColor('red')).toThrow();
  });
});

describe('the theme passes WCAG 2.1 AA (4.5:1)', () => {
  const computed = antdTheme.getDesignToken(theme);
  const stock = antdTheme.getDesignToken();

  it('antd applies the text colours (secondary, tertiary, description, placeholder, status texts, link)', () => {
    expect(computed.colorTextTertiary).toBe(TEXT.tertiary);
    expect(computed.colorTextDescription).toBe(TEXT.tertiary);
    expect(computed.colorTextPlaceholder).toBe(TEXT.placeholder);
    expect(computed.colorWarningText).toBe(TEXT.warning);
    expect(computed.colorLink).toBe(TEXT.link);
    // …and stock antd does fail there, so the overrides matter.
    expect(contrastRatio(stock.colorTextDescription, '#ffffff')).toBeLessThan(AA_TEXT);
    expect(contrastRatio(stock.colorTextPlaceholder, '#ffffff')).toBeLessThan(AA_TEXT);
  });

  for (const [name, fg] of Object.entries(TEXT))
    for (const bg of SURFACES)
      it(`text ${name} ${fg} on ${bg}`, () => {
        expect(contrastRatio(fg, bg)).toBeGreaterThanOrEqual(AA_TEXT);
      });

  for (const [token, [text, bg]] of Object.entries(PRESET_TAG_TEXT))
    it(`preset tag ${token}: ${text} on ${bg}`, () => {
      // The background is antd's own shade 1 of the palette, the text the token antd now computes.
      const key = token.replace(/7$/, '1') as keyof typeof stock;
      expect(stock[key]).toBe(bg);
      expect(computed[token as keyof typeof computed]).toBe(text);
      expect(contrastRatio(text, bg)).toBeGreaterThanOrEqual(AA_TEXT);
    });

  for (const [status, [text, bg]] of Object.entries(STATUS_TAG_TEXT))
    it(`status tag ${status}: ${text} on ${bg}`, () => {
      expect(theme.components?.Tag?.[`color${status === 'processing' ? 'Info' : status[0]!.toUpperCase() + status.slice(1)}` as 'colorInfo']).toBe(text);
      expect(contrastRatio(text, bg)).toBeGreaterThanOrEqual(AA_TEXT);
    });

  it('the primary and error colours carry white button text and read as text on white', () => {
    for (const c of [computed.colorPrimary, computed.colorError]) {
      expect(contrastRatio('#ffffff', c)).toBeGreaterThanOrEqual(AA_TEXT);
      expect(contrastRatio(c, '#ffffff')).toBeGreaterThanOrEqual(AA_TEXT);
    }
    expect(contrastRatio(stock.colorError, '#ffffff')).toBeLessThan(AA_TEXT);
  });
});

describe('case status tags', () => {
  it('has a colour for every status', () => {
    expect(Object.keys(STATUS_TAG_COLORS).sort()).toEqual([...CASE_STATUSES].sort());
  });
  for (const status of CASE_STATUSES)
    it(`${status}: text on its background passes 4.5:1`, () => {
      const c = STATUS_TAG_COLORS[status];
      expect(contrastRatio(c.text, c.background)).toBeGreaterThanOrEqual(AA_TEXT);
    });
});
