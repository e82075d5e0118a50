import type { ThemeConfig } from 'antd';

/**
 * Text colours that pass WCAG 2.1 AA (4.5:1) on white, on the table header (#fafafa) and on the
 * ledger's overdue / due-soon rows (#fff1f0, #fff7e6) — antd's own grey (rgba(0,0,0,.45), 3.36:1)
 * and its placeholder grey (.25) do not. web/src/theme.test.ts checks every pair.
 */
export const TEXT = {
  /** antd's colorTextSecondary (0.65, 5.9:1 on white) is kept. */
  secondary: 'rgba(0, 0, 0, 0.65)',
  /** Descriptions, hints, statistic titles, form extras, typography type="secondary": 5.7:1. */
  tertiary: 'rgba(0, 0, 0, 0.6)',
  /** Placeholders: still lighter than typed text, 4.7:1. */
  placeholder: 'rgba(0, 0, 0, 0.56)',
  link: '#1f5fbf',
  warning: '#874d00',
  error: '#cf1322',
  success: '#237804',
  info: '#0958d9',
} as const;

/** Backgrounds text is read on (the ledger's row highlights among them: global.css). */
export const SURFACES = ['#ffffff', '#fafafa', '#f5f5f5', '#fff1f0', '#fff7e6'] as const;

/**
 * The text colour of antd's preset tag colours (`<Tag color="gold">`), which antd takes from shade
 * 7 of each palette and lays on shade 1: shades 7 of gold (2.8:1), orange, green, cyan, lime,
 * yellow and volcano fail, so those use a darker shade of the same hue. The keys are the palette
 * tokens antd reads (`gold7`); the value is [text, the tag's background (shade 1, unchanged)].
 */
export const PRESET_TAG_TEXT = {
  red7: ['#cf1322', '#fff1f0'],
  volcano7: ['#ad2102', '#fff2e8'],
  orange7: ['#ad4e00', '#fff7e6'],
  gold7: ['#874d00', '#fffbe6'],
  yellow7: ['#876800', '#feffe6'],
  lime7: ['#3f6600', '#fcffe6'],
  green7: ['#237804', '#f6ffed'],
  cyan7: ['#006d75', '#e6fffb'],
  blue7: ['#0958d9', '#e6f4ff'],
  geekblue7: ['#1d39c4', '#f0f5ff'],
  purple7: ['#531dab', '#f9f0ff'],
  magenta7: ['#c41d7f', '#fff0f6'],
} as const satisfies Record<string, readonly [string, string]>;

/** The status tags (`<Tag color="success|processing|error|warning">`): [text, background]. */
export const STATUS_TAG_TEXT = {
  success: [TEXT.success, '#f6ffed'],
  processing: [TEXT.info, '#e6f4ff'],
  error: [TEXT.error, '#fff2f0'],
  warning: [TEXT.warning, '#fffbe6'],
} as const;

const presetTokens = Object.fromEntries(Object.entries(PRESET_TAG_TEXT).map(([k, [text]]) => [k, text]));

/** Government red as the primary colour; system Chinese fonts first; every text at AA contrast. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#b7282e',
    // The error colour is text too (form messages, a failed step's title) and carries white text
    // (danger buttons): antd's #ff4d4f gives 3.3:1 either way.
    colorError: TEXT.error,
    colorLink: TEXT.link,
    colorTextSecondary: TEXT.secondary,
    colorTextTertiary: TEXT.tertiary,
    colorTextDescription: TEXT.tertiary,
    colorTextPlaceholder: TEXT.placeholder,
    colorWarningText: TEXT.warning,
    colorErrorText: TEXT.error,
    colorSuccessText: TEXT.success,
    ...presetTokens,
    borderRadius: 4,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif",
  },
  components: {
    // Status tags take their text from the status colour itself (#52c41a, #faad14 … fail on their
    // light backgrounds): inside tags only, the darker text colour of the same hue.
    Tag: {
      colorSuccess: STATUS_TAG_TEXT.success[0],
      colorInfo: STATUS_TAG_TEXT.processing[0],
      colorError: STATUS_TAG_TEXT.error[0],
      colorWarning: STATUS_TAG_TEXT.warning[0],
    },
  },
};
