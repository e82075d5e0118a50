/**
 * Files brought with a report at intake: drop them here, paste a screenshot (Ctrl+V anywhere in the
 * form — see {@link filesFromClipboard}), or pick them. Sent with the intake as multipart; stored
 * as 佐证材料.
 */
import { useRef, useState } from 'react';
import { Button, Space, Tag, Typography } from 'antd';
import { ATTACHMENT_ACCEPT, formatSize } from '../api/attachments';

/** The image files of a paste (a screenshot), named by the time they were pasted. */
export function filesFromClipboard(data: DataTransfer | null, now = new Date()): File[] {
  if (!data) return [];
  const stamp = `${now.getFullYear()}${String(now.getMonth() + 1).padStart(2, '0')}${String(now.getDate()).padStart(2, '0')}-${String(now.getHours()).padStart(2, '0')}${String(now.getMinutes()).padStart(2, '0')}${String(now.getSeconds()).padStart(2, '0')}`;
  return Array.from(data.files)
    .filter((f) => f.type.startsWith('image/'))
    .map((f, i) => new File([f], `截图-${stamp}${i ? `-${i + 1}` : ''}.${f.type === 'image/jpeg' ? 'jpg' : 'png'}`, { type: f.type }));
}

export function IntakeFiles({ files, onChange }: { files: File[]; onChange(files: File[]): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const add = (more: File[]) => {
    if (more.length) onChange([...files, ...more]);
  };
  return (
    <div
      data-testid="intake-files"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        add(Array.from(e.dataTransfer.files));
      }}
      style={{ border: `1px dashed ${over ? '#1677ff' : '#d9d9d9'}`, borderRadius: 6, padding: 12, marginBottom: 16, background: over ? '#f0f7ff' : undefined }}
    >
      <Space wrap>
        <Button onClick={() => input.current?.click()}>选择文件</Button>
        <Typography.Text type="secondary">材料、照片可拖到这里，或在表单内按 Ctrl+V 粘贴截图（PDF、OFD、图片、Word、Excel）</Typography.Text>
      </Space>
      <input
        ref={input}
        type="file"
        multiple
        accept={ATTACHMENT_ACCEPT}
        aria-label="选择附件"
        data-testid="intake-file-input"
        style={{ display: 'none' }}
        onChange={(e) => {
          add(Array.from(e.target.files ?? []));
          e.target.value = '';
        }}
      />
      {files.length > 0 && (
        <div style={{ marginTop: 8 }} data-testid="intake-file-list">
          {files.map((f, i) => (
            <Tag key={`${f.name}-${i}`} closable onClose={() => onChange(files.filter((_, j) => j !== i))} closeIcon={<span aria-label={`移除 ${f.name}`}>×</span>}>
              {f.name}（{formatSize(f.size)}）
            </Tag>
          ))}
        </div>
      )}
    </div>
  );
}
