import { Suspense } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { preloadable } from './preloadable';

function Page({ name }: { name: string }) {
  return <p>页面 {name}</p>;
}

describe('preloadable', () => {
  it('suspends while the code is not here, and renders at once (no fallback) once load() finished', async () => {
    let imports = 0;
    const page = preloadable(async () => {
      imports++;
      return { default: Page };
    });
    const html = () => renderToString(<Suspense fallback={<i>加载中</i>}><page.Component name="台账" /></Suspense>);
    expect(html()).toContain('加载中');
    await page.load();
    await page.load();
    expect(html()).toContain('页面 <!-- -->台账');
    expect(html()).not.toContain('加载中');
    expect(imports).toBe(1);
  });

  it('asks again for code that failed to load', async () => {
    let calls = 0;
    const page = preloadable(async () => {
      calls++;
      if (calls === 1) throw new Error('网络错误');
      return { default: Page };
    });
    await expect(page.load()).rejects.toThrow('网络错误');
    await page.load();
    expect(calls).toBe(2);
  });
});
