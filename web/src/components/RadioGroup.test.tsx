// @vitest-environment jsdom
import '../test/dom';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { Form, Radio } from 'antd';
import { RadioGroup } from './RadioGroup';

afterEach(cleanup);

const options = [
  { value: 'a', label: '甲' },
  { value: 'b', label: '乙' },
];

describe('RadioGroup', () => {
  it('is a radio group named by its label, required when its form item is', () => {
    render(
      <Form>
        <Form.Item label="渠道" name="channel" rules={[{ required: true }]}>
          <RadioGroup aria-label="渠道" options={options} />
        </Form.Item>
        <Form.Item label="可选" name="optional">
          <RadioGroup aria-label="可选" options={options} />
        </Form.Item>
      </Form>,
    );
    const required = screen.getByRole('radiogroup', { name: '渠道' });
    expect(required.getAttribute('aria-required')).toBe('true');
    expect(required.querySelectorAll('input[type=radio]')).toHaveLength(2);
    expect(screen.getByRole('radiogroup', { name: '可选' }).hasAttribute('aria-required')).toBe(false);
  });

  it('fixes what antd alone renders: aria-required on a div without a role', () => {
    const { container } = render(
      <Form>
        <Form.Item label="渠道" name="channel" rules={[{ required: true }]}>
          <Radio.Group options={options} />
        </Form.Item>
      </Form>,
    );
    const div = container.querySelector('[aria-required="true"]')!;
    expect(div.getAttribute('role')).toBeNull();
    expect(screen.queryByRole('radiogroup')).toBeNull();
  });
});
