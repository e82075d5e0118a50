import type { ThemeConfig } from 'antd';

/** Government red as the primary colour; system Chinese fonts first. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: '#b7282e',
    colorLink: '#1f5fbf',
    borderRadius: 4,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'WenQuanYi Zen Hei', 'Noto Sans CJK SC', sans-serif",
  },
};
