/**
 * Charts drawn on the server for Word documents: ECharts renders an option to an SVG string
 * (server-side rendering, no DOM), resvg turns the SVG into a PNG. Chinese text needs a font with
 * its glyphs: the configured font files (config `chartFonts`), else whatever the system has.
 */
import fs from 'node:fs';
import type * as EChartsApi from 'echarts/types/dist/echarts';
import { Resvg } from '@resvg/resvg-js';
import type { ChartOption } from '../../core/stats-charts.js';
import { DEFAULT_CHART_FONTS } from '../config.js';

export interface ChartImage {
  png: Buffer;
  /** Size in CSS pixels of the drawing (the PNG holds `scale` times as many). */
  width: number;
  height: number;
}

// Loaded on the first chart, not at start: most requests never draw one. (echarts' index.d.ts says
// `export =`, which an ES module under NodeNext may not import; its typed entry, types/dist/echarts,
// describes the same module.)
let echartsModule: Promise<typeof EChartsApi> | undefined;
const loadECharts = () => (echartsModule ??= import('echarts' as string) as Promise<typeof EChartsApi>);

/** The font options of resvg: the configured files that exist, else the system's fonts. */
function fontOptions(files: readonly string[]) {
  const present = files.filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
  return present.length ? { fontFiles: present, loadSystemFonts: false } : { loadSystemFonts: true };
}

/**
 * Draws one chart as a PNG on white, `scale` times its size for print (2 → 192 dpi at 96 css px
 * per inch). Text is set in sans-serif; resvg falls back to any loaded font with the glyphs.
 */
export async function renderChartPng(option: ChartOption, size: { width: number; height: number }, fonts: readonly string[] = DEFAULT_CHART_FONTS, scale = 2): Promise<ChartImage> {
  const echarts = await loadECharts();
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  let svg: string;
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: 'sans-serif', fontSize: 13 }, ...option });
    svg = chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
  const png = new Resvg(svg, { background: '#ffffff', fitTo: { mode: 'zoom', value: scale }, font: { ...fontOptions(fonts), defaultFontFamily: 'sans-serif' } })
    .render()
    .asPng();
  return { png, width: size.width, height: size.height };
}
