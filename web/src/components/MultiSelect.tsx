/**
 * An antd multi-select that Tab leaves like every other field. antd's own Select, with its list
 * open, takes Tab as "choose the highlighted option" and keeps the focus — a clerk tabbing on
 * silently added a department. Here Tab (and Shift+Tab) only moves on: the open list closes, the
 * search text is dropped, nothing is chosen. Enter still chooses; Esc still closes.
 */
import type { KeyboardEvent } from 'react';
import type { SelectProps } from 'antd';
import { FieldSelect } from './FieldSelect';

/**
 * `onInputKeyDown` for any antd Select: stops a Tab at the search input before rc-select's list
 * handler sees it, so the browser's own focus move happens and nothing is picked.
 */
export function leaveOnTab(e: KeyboardEvent<HTMLInputElement | HTMLTextAreaElement>): void {
  if (e.key === 'Tab') e.stopPropagation();
}

export type MultiSelectProps<V = string> = Omit<SelectProps<V[]>, 'mode'> & { mode?: 'multiple' | 'tags' };

/** `<Select mode="multiple">` that Tab leaves without choosing (see the file comment); a required field's `aria-required` on its combobox (FieldSelect). */
export function MultiSelect<V = string>({ mode = 'multiple', onInputKeyDown, ...rest }: MultiSelectProps<V>) {
  return (
    <FieldSelect<V[]>
      mode={mode}
      {...rest}
      onInputKeyDown={(e) => {
        leaveOnTab(e);
        onInputKeyDown?.(e);
      }}
    />
  );
}
