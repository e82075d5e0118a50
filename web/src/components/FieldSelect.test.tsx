// @vitest-environment jsdom
import '../test/dom';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render } from '@testing-library/react';
import { Form, Select } from 'antd';
import { FieldSelect } from './FieldSelect';
import { MultiSelect } from './MultiSelect';

afterEach(cleanup);

const options = [
  { value: 'a', label: '甲' },
  { value: 'b', label: '乙' },
];

describe('FieldSelect', () => {
  it('carries a required field’s aria-required on its combobox, not on its outer div', () => {
    const { container } = render(
      <Form>
        <Form.Item label="牵头部门" name="lead" rules={[{ required: true }]}>
          <FieldSelect options={options} />
        </Form.Item>
        <Form.Item label="可选" name="optional">
          <FieldSelect options={options} />
        </Form.Item>
      </Form>,
    );
    const [required, optional] = [...container.querySelectorAll('.ant-select')];
    expect(required!.hasAttribute('aria-required')).toBe(false);
    expect(required!.querySelector('input[role="combobox"]')!.getAttribute('aria-required')).toBe('true');
    expect(optional!.querySelector('input[role="combobox"]')!.hasAttribute('aria-required')).toBe(false);
  });

  it('is what the multi-select renders too', () => {
    const { container } = render(
      <Form>
        <Form.Item label="部门" name="departments" rules={[{ required: true }]}>
          <MultiSelect options={options} />
        </Form.Item>
      </Form>,
    );
    expect(container.querySelector('.ant-select')!.hasAttribute('aria-required')).toBe(false);
    expect(container.querySelector('input[role="combobox"]')!.getAttribute('aria-required')).toBe('true');
  });

  it('fixes what antd alone renders: aria-required on the outer div', () => {
    const { container } = render(
      <Form>
        <Form.Item label="牵头部门" name="lead" rules={[{ required: true }]}>
          <Select options={options} />
        </Form.Item>
      </Form>,
    );
    expect(container.querySelector('.ant-select')!.getAttribute('aria-required')).toBe('true');
  });
});
