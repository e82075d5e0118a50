/**
 * antd's Radio.Group as an ARIA radio group: Form.Item marks a required field's control with
 * `aria-required`, which on antd's plain <div> is not allowed (axe: aria-allowed-attr, critical)
 * and not announced. With `role="radiogroup"` the attribute is valid and screen readers say
 * "必填"; the group is named by `aria-label` (its form label's text).
 */
import { Radio, type RadioGroupProps } from 'antd';

/** antd passes `role` (with the aria-* props) on to the group's <div>, though its type omits it. */
const ROLE = { role: 'radiogroup' } as Partial<RadioGroupProps>;

export function RadioGroup(props: RadioGroupProps & { 'aria-label'?: string }) {
  return <Radio.Group {...ROLE} {...props} />;
}
