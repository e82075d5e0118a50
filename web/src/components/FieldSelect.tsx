/**
 * antd's Select for a form field: Form.Item marks a required field's control with `aria-required`,
 * which antd puts on the Select's outer <div> — not allowed there (axe: aria-allowed-attr, critical)
 * and not announced. This Select moves it to its search input, the element with role="combobox",
 * where screen readers say "必填".
 */
import { Select, type RefSelectProps, type SelectProps } from 'antd';
import { useCallback, useLayoutEffect, useRef, type Ref } from 'react';

type Required = boolean | 'true' | 'false';

export function FieldSelect<V = unknown>(props: SelectProps<V> & { 'aria-required'?: Required; ref?: Ref<RefSelectProps> }) {
  // Form.Item passes a ref of its own (to scroll to the field): both are kept.
  const { 'aria-required': required, ref: outer, ...rest } = props;
  const own = useRef<RefSelectProps | null>(null);
  const ref = useCallback(
    (r: RefSelectProps | null) => {
      own.current = r;
      if (typeof outer === 'function') outer(r);
      else if (outer) (outer as { current: RefSelectProps | null }).current = r;
    },
    [outer],
  );
  useLayoutEffect(() => {
    const input = own.current?.nativeElement?.querySelector('input[role="combobox"]');
    if (!input) return;
    if (required === true || required === 'true') input.setAttribute('aria-required', 'true');
    else input.removeAttribute('aria-required');
  });
  return <Select<V> ref={ref} {...rest} />;
}
