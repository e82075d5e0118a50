/**
 * The action buttons of a case and the form behind each. Buttons come only from the case's
 * `allowedActions` (the server asks the same transition table as core/case-lifecycle.ts); each
 * form has the fields docs/CONTRACT.md §Actions names and is checked with the server's own zod schema first. A
 * submission runs at most once at a time; a 409 is explained in Chinese and the case reloaded.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Radio, Space, Tag, Typography, type FormInstance, type SelectProps } from 'antd';
import type { Dayjs } from 'dayjs';
import { ACTION_RULES, type CaseAction } from '../../../core/case-lifecycle';
import { ACTION_BODIES, LIMITS } from '../../../core/api/schemas';
import {
  CALLBACK_ATTEMPT_OUTCOMES,
  CALLBACK_ATTEMPT_OUTCOME_LABELS,
  CHANNELS,
  CHANNEL_LABELS,
  MEASURE_LABELS,
  MEASURE_TYPES,
  MEASURES_BY_PROBLEM_TYPE,
  PROBLEM_TYPES,
  PROBLEM_TYPE_LABELS,
  RATING_ASPECTS,
  RATING_ASPECT_LABELS,
  RATING_LABELS,
  RATINGS,
  REJECT_CATEGORIES,
  REJECT_CATEGORY_LABELS,
  REPLY_CHANNELS,
  REPLY_CHANNEL_LABELS,
  VERIFY_OUTCOME_LABELS,
} from '../../../core/domain';
import { api, ApiError, toQuery } from '../api/client';
import { ATTACHMENT_ACCEPT, uploadAttachments } from '../api/attachments';
import { ATTACHMENT_KIND_LABELS, type AttachmentKind } from '../../../core/attachments';
import type { CaseDetail, DeadlinePreview, Department, Suggestions } from '../api/types';
import { applyFieldErrors, issuesOf } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { dayjs, endOfDayIso, formatDateTime, shanghaiToday } from '../lib/time';
import { PROVISIONAL_LABEL } from './CaseTags';
import { CaseSearchSelect } from './CaseSearchSelect';
import { FieldSelect } from './FieldSelect';
import { RadioGroup } from './RadioGroup';
import { INTAKE_RULES, normaliseOrgCode } from './IntakeForm';
import { normalisePhone } from '../../../core/validation';
import { OPEN_STATUSES_PARAM } from '../lib/caseStatus';
import { isPending as isPendingMeasure } from '../../../core/measures';

/** Main (primary) buttons: the actions that move the case on; danger: those that turn a request down (the table's `kind`). */
const isMain = (a: CaseAction) => ACTION_RULES[a].kind === 'advance';
const isDanger = (a: CaseAction) => ACTION_RULES[a].kind === 'refuse';

export function actionLabel(a: CaseAction): string {
  return ACTION_RULES[a].label;
}

/** Explains a 409 in plain Chinese. */
export function explainConflict(e: ApiError): string {
  if (e.code === 'VERSION_CONFLICT')
    return '就在刚才，其他人已经更新了这件反映件（例如已签收、已交办或已回访），您看到的不是最新状态。页面已重新加载，请核对后再操作。';
  if (e.code === 'INVALID_TRANSITION') return `${e.message}。这件反映件的状态已经变化，页面已重新加载，请核对后再操作。`;
  return `${e.message}。页面已重新加载。`;
}

const pastDay = (d: Dayjs) => d.format('YYYY-MM-DD') < shanghaiToday();

/** A searchable department select; passes Form.Item's value, onChange and id through. */
function DeptSelect({
  departments,
  multiple,
  exclude,
  ...rest
}: { departments: Department[]; multiple?: boolean; exclude?: string[] } & Omit<SelectProps, 'options' | 'mode'>) {
  const options = departments
    .filter((d) => !d.disabled && !(exclude ?? []).includes(d.code))
    .map((d) => ({ value: d.code, label: d.name }));
  return (
    <FieldSelect
      {...rest}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      allowClear
      optionFilterProp="label"
      options={options}
      placeholder="输入部门名称搜索"
    />
  );
}

/** Shows the deadline a dispatch at this level would get if confirmed now. */
export function DispatchPreview({ workingDays }: { workingDays: number | undefined }) {
  const [preview, setPreview] = useState<DeadlinePreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!workingDays) return;
    const ctl = new AbortController();
    setPreview(null);
    setError(null);
    api<DeadlinePreview>(`/calendar/deadline${toQuery({ start: new Date().toISOString(), workingDays })}`, { signal: ctl.signal })
      .then(setPreview)
      .catch((e: unknown) => {
        if ((e as Error)?.name !== 'AbortError') setError(e instanceof ApiError ? e.message : '无法计算办理时限');
      });
    return () => ctl.abort();
  }, [workingDays]);
  if (!workingDays) return null;
  return (
    <Alert
      type={error ? 'error' : 'info'}
      showIcon
      data-testid="dispatch-preview"
      message={
        error ??
        (preview ? (
          <span>
            确认后办理时限为 <b>{formatDateTime(preview.deadline)}</b>（{workingDays} 个工作日）
            {preview.provisional && (
              <Tag color="warning" style={{ marginInlineStart: 6 }}>
                {PROVISIONAL_LABEL}
              </Tag>
            )}
          </span>
        ) : (
          '正在计算办理时限…'
        ))
      }
    />
  );
}

const noteField = (label: string, required = false) => (
  <Form.Item
    label={label}
    name="note"
    rules={[
      ...(required ? [{ required: true, whitespace: true, message: `请填写${label}` }] : []),
      { max: LIMITS.text, message: `${label}不能超过 ${LIMITS.text} 个字` },
    ]}
  >
    <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
  </Form.Item>
);

const textField = (name: string, label: string) => (
  <Form.Item
    label={label}
    name={name}
    rules={[
      { required: true, whitespace: true, message: `请填写${label}` },
      { max: LIMITS.text, message: `${label}不能超过 ${LIMITS.text} 个字` },
    ]}
  >
    <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} />
  </Form.Item>
);

const dateField = (name: string, label: string, required: boolean, extra?: string) => (
  <Form.Item label={label} name={name} extra={extra} rules={required ? [{ required: true, message: `请选择${label}` }] : []}>
    <DatePicker disabledDate={pastDay} format="YYYY-MM-DD" style={{ width: 270 }} placeholder="选择日期（当日 23:59 截止）" />
  </Form.Item>
);

interface MeetingValues {
  heldAt?: Dayjs | null;
  convenor?: string;
  attendees?: Array<{ department?: string; people?: string } | undefined>;
  decision?: string;
}

/** The 会商 of the 工作组 as the body's `meeting`, or nothing when no field of it was filled. */
export function meetingBody(m: MeetingValues | undefined): Record<string, unknown> | undefined {
  if (!m) return undefined;
  const attendees = (m.attendees ?? []).filter((a): a is { department?: string; people?: string } => !!a && !!(a.department?.trim() || a.people?.trim()));
  const filled = m.heldAt || m.convenor?.trim() || m.decision?.trim() || attendees.length;
  if (!filled) return undefined;
  return {
    heldAt: m.heldAt ? `${m.heldAt.format('YYYY-MM-DDTHH:mm')}:00+08:00` : undefined,
    convenor: m.convenor,
    attendees: attendees.map((a) => ({ department: a.department ?? '', people: a.people ?? '' })),
    decision: m.decision,
  };
}

/** 会商纪要 of an escalation (optional): when, who convened, who attended, what was decided. */
function MeetingFields() {
  const req = (label: string) => [{ required: false }, { max: LIMITS.text, message: `${label}过长` }];
  return (
    <fieldset data-testid="meeting-fields" style={{ border: '1px dashed #d9d9d9', padding: '8px 12px', marginBottom: 12 }}>
      <legend style={{ fontSize: 14, width: 'auto', padding: '0 4px', marginBottom: 0, border: 0 }}>工作组会商（选填）</legend>
      <Form.Item label="会商时间" name={['meeting', 'heldAt']} extra="北京时间">
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 270 }} />
      </Form.Item>
      <Form.Item label="召集人" name={['meeting', 'convenor']} rules={req('召集人')} extra="组长，或受委托的副组长">
        <Input maxLength={LIMITS.name} />
      </Form.Item>
      <Form.List name={['meeting', 'attendees']}>
        {(fields, { add, remove }) => (
          <Form.Item label="参会单位及人员">
            {fields.map((f) => (
              <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                <Form.Item name={[f.name, 'department']} style={{ marginBottom: 8 }}>
                  <Input placeholder="参会单位" maxLength={LIMITS.matter} />
                </Form.Item>
                <Form.Item name={[f.name, 'people']} style={{ marginBottom: 8 }}>
                  <Input placeholder="参会人员" maxLength={LIMITS.matter} />
                </Form.Item>
                <Button type="link" onClick={() => remove(f.name)}>
                  删除
                </Button>
              </Space>
            ))}
            <Button type="dashed" onClick={() => add({})}>
              添加参会单位
            </Button>
          </Form.Item>
        )}
      </Form.List>
      <Form.Item label="会商意见" name={['meeting', 'decision']} rules={req('会商意见')}>
        <Input.TextArea rows={2} maxLength={LIMITS.text} />
      </Form.Item>
    </fieldset>
  );
}

interface FieldsProps {
  action: CaseAction;
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
  /** Unanswered callbacks after which a case may close as unreachable (setting). */
  unreachableAfter?: number;
  /** Called after a field was set by a button (e.g. 全部满意), so the draft keeps it. */
  onSet?: () => void;
}

/** The name people gave on the timeline for a login (the case's events carry both). */
export function personOf(c: Pick<CaseDetail, 'events'>, username: string | null | undefined): string {
  if (!username) return '—';
  if (username === 'system') return '系统';
  return c.events.find((e) => e.by === username)?.byName ?? username;
}

/** The pending 派单异议: who contested, why, and which department they suggest. */
export function ContestInfo({ c, departments, extra }: { c: CaseDetail; departments: Department[]; extra?: React.ReactNode }) {
  const pc = c.pendingContest;
  if (!pc) return null;
  const name = (code: string) => departments.find((d) => d.code === code)?.name ?? code;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="pending-contest"
      style={{ marginBottom: 12 }}
      message={`派单异议待处理：${name(pc.department)}认为本件不属于本部门职责`}
      description={
        <div>
          <div className="bcs-pre">异议理由：{pc.reason}</div>
          <div>建议改派：{pc.suggestedDepartment ? <b>{name(pc.suggestedDepartment)}</b> : '未提出'}</div>
          <div style={{ color: '#888', fontSize: 12 }}>
            {personOf(c, pc.by)}，{formatDateTime(pc.at)}
          </div>
          {extra}
        </div>
      }
    />
  );
}

const KIND_LABELS: Record<string, string> = { person: '个人（群众）', enterprise: '企业' };

interface CorrectionValues {
  reporter?: { name?: string; phone?: string; kind?: string; orgName?: string; orgCode?: string };
  matter?: string;
  description?: string;
  reason?: string;
  channel?: string;
}

const blank = (v: string | null | undefined) => (v ?? '').trim();

/**
 * The 更正's `changes` from the dialog's values: only what differs from the case (the reporter as a
 * whole when any of its fields does), values trimmed as the server keeps them.
 */
export function correctionChanges(c: CaseDetail, v: CorrectionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = v.reporter ?? {};
  const kind = r.kind ?? c.reporter.kind;
  const phone = normalisePhone(blank(r.phone));
  const orgName = kind === 'enterprise' ? blank(r.orgName) : '';
  const orgCode = kind === 'enterprise' ? normaliseOrgCode(blank(r.orgCode)) : '';
  const reporterChanged =
    blank(r.name) !== c.reporter.name ||
    phone !== c.reporter.phone ||
    kind !== c.reporter.kind ||
    (kind === 'enterprise' && (orgName !== blank(c.reporter.orgName) || orgCode !== blank(c.reporter.orgCode)));
  if (reporterChanged)
    out.reporter = { name: blank(r.name), phone, kind, ...(kind === 'enterprise' ? { orgName, orgCode } : {}) };
  if (blank(v.matter) !== c.matter) out.matter = blank(v.matter);
  if (blank(v.description) !== blank(c.description)) out.description = blank(v.description);
  if (blank(v.reason) !== blank(c.reason)) out.reason = blank(v.reason);
  if (v.channel && v.channel !== c.channel) out.channel = v.channel;
  return out;
}

/** Each corrected field's label, value before and after, for the dialog to show before it is sent. */
export function correctionRows(c: CaseDetail, changes: Record<string, unknown>): Array<{ label: string; before: string; after: string }> {
  const rows: Array<{ label: string; before: string; after: string }> = [];
  const add = (label: string, before: string | null | undefined, after: string | null | undefined) => {
    if ((before ?? '') !== (after ?? '')) rows.push({ label, before: before || '（空）', after: after || '（空）' });
  };
  const r = changes.reporter as CorrectionValues['reporter'] | undefined;
  if (r) {
    add('反映人姓名', c.reporter.name, r.name);
    add('联系电话', c.reporter.phone, r.phone);
    add('反映人类型', KIND_LABELS[c.reporter.kind], KIND_LABELS[r.kind ?? '']);
    add('企业名称', c.reporter.orgName, r.orgName);
    add('统一社会信用代码', c.reporter.orgCode, r.orgCode);
  }
  if ('matter' in changes) add('事项名称', c.matter, changes.matter as string);
  if ('description' in changes) add('诉求', c.description, changes.description as string);
  if ('reason' in changes) add('办不成原因', c.reason, changes.reason as string);
  if ('channel' in changes) add('反映渠道', CHANNEL_LABELS[c.channel], CHANNEL_LABELS[changes.channel as keyof typeof CHANNEL_LABELS]);
  return rows;
}

/** The live before/after of a correction, under its form. */
function CorrectionPreview({ c }: { c: CaseDetail }) {
  const form = Form.useFormInstance();
  const values = (Form.useWatch('changes', { form, preserve: true }) ?? {}) as CorrectionValues;
  const rows = correctionRows(c, correctionChanges(c, values));
  if (!rows.length) return <Alert type="info" showIcon message="请直接修改上面需要更正的内容，这里会列出更正前后的对照。" />;
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="correction-preview"
      message={`确认后将更正以下 ${rows.length} 项（更正前 → 更正后，记入办理过程）：`}
      description={
        <table className="bcs-diff">
          <tbody>
            {rows.map((r) => (
              <tr key={r.label}>
                <th style={{ textAlign: 'left', paddingInlineEnd: 12, whiteSpace: 'nowrap', verticalAlign: 'top' }}>{r.label}</th>
                <td style={{ color: '#999', textDecoration: 'line-through', paddingInlineEnd: 8 }}>{r.before}</td>
                <td style={{ paddingInlineEnd: 8 }}>→</td>
                <td style={{ color: '#b7282e', fontWeight: 600 }}>{r.after}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

function CorrectionFields({ c }: { c: CaseDetail }) {
  const form = Form.useFormInstance();
  const kind = (Form.useWatch(['changes', 'reporter', 'kind'], form) as string | undefined) ?? c.reporter.kind;
  return (
    <>
      <Typography.Paragraph type="secondary">
        以下为登记时的内容，请直接修改需要更正的项目（校验规则与登记相同）；下方列出更正前后的对照，确认后记入办理过程。
      </Typography.Paragraph>
      <Space size={16} wrap>
        <Form.Item label="反映渠道" name={['changes', 'channel']} rules={INTAKE_RULES.channel}>
          <RadioGroup aria-label="反映渠道" optionType="button" options={CHANNELS.map((ch) => ({ value: ch, label: CHANNEL_LABELS[ch] }))} />
        </Form.Item>
        <Form.Item label="反映人类型" name={['changes', 'reporter', 'kind']} rules={INTAKE_RULES.kind}>
          <RadioGroup aria-label="反映人类型" optionType="button" options={Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
      </Space>
      <Space size={16} wrap style={{ display: 'flex' }}>
        <Form.Item label="反映人姓名" name={['changes', 'reporter', 'name']} rules={INTAKE_RULES.name} style={{ width: 200 }}>
          <Input autoComplete="off" maxLength={LIMITS.name} />
        </Form.Item>
        <Form.Item label="联系电话" name={['changes', 'reporter', 'phone']} rules={INTAKE_RULES.phone} validateTrigger="onBlur" style={{ width: 240 }}>
          <Input autoComplete="off" inputMode="tel" />
        </Form.Item>
      </Space>
      {kind === 'enterprise' && (
        <Space size={16} wrap style={{ display: 'flex' }}>
          <Form.Item label="企业名称" name={['changes', 'reporter', 'orgName']} rules={INTAKE_RULES.orgName} style={{ width: 300 }}>
            <Input autoComplete="off" maxLength={LIMITS.name} />
          </Form.Item>
          <Form.Item
            label="统一社会信用代码"
            name={['changes', 'reporter', 'orgCode']}
            rules={INTAKE_RULES.orgCode}
            normalize={normaliseOrgCode}
            validateTrigger="onBlur"
            style={{ width: 240 }}
          >
            <Input autoComplete="off" maxLength={18} />
          </Form.Item>
        </Space>
      )}
      <Form.Item label="事项名称" name={['changes', 'matter']} rules={INTAKE_RULES.matter}>
        <Input autoComplete="off" maxLength={LIMITS.matter} />
      </Form.Item>
      <Form.Item label="诉求" name={['changes', 'description']} rules={INTAKE_RULES.description}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      <Form.Item label="办不成原因" name={['changes', 'reason']} rules={INTAKE_RULES.reason}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      {textField('note', '更正说明')}
      <CorrectionPreview c={c} />
    </>
  );
}

/** The dispatch fields (level, lead, co-departments) shared by 交办 and 改派. */
function DispatchFields({ departments, levelDays }: { departments: Department[]; levelDays: { 1: number; 2: number } }) {
  const form = Form.useFormInstance();
  const level = Form.useWatch('level', form) as 1 | 2 | undefined;
  const lead = Form.useWatch('leadDepartment', form) as string | undefined;
  return (
    <>
      <Form.Item label="交办级别" name="level" rules={[{ required: true, message: '请选择交办级别' }]}>
        <RadioGroup aria-label="交办级别">
          <Space direction="vertical">
            <Radio value={1}>一级：单一部门办理（{levelDays[1]} 个工作日）</Radio>
            <Radio value={2}>二级：牵头部门 + 协办部门（{levelDays[2]} 个工作日）</Radio>
          </Space>
        </RadioGroup>
      </Form.Item>
      <Form.Item label="牵头部门" name="leadDepartment" rules={[{ required: true, message: '请选择牵头部门' }]}>
        <DeptSelect departments={departments} />
      </Form.Item>
      {level === 2 && (
        <Form.Item label="协办部门" name="coDepartments" rules={[{ required: true, type: 'array', min: 1, message: '二级交办须指定至少一个协办部门' }]}>
          <DeptSelect departments={departments} multiple exclude={lead ? [lead] : []} />
        </Form.Item>
      )}
    </>
  );
}

function ActionFields({ action, c, departments, levelDays, unreachableAfter, onSet }: FieldsProps) {
  const form = Form.useFormInstance();
  const level = Form.useWatch('level', form) as 1 | 2 | undefined;
  const lead = Form.useWatch('leadDepartment', form) as string | undefined;
  const substantiated = Form.useWatch('substantiated', form) as boolean | undefined;
  const outcome = Form.useWatch('outcome', form) as string | undefined;
  const ratings = RATING_ASPECTS.map((a) => Form.useWatch(a, form) as string | undefined);
  switch (action) {
    case 'resolve-on-spot':
      return textField('result', '办理结果');
    case 'reject':
      return (
        <>
          <Form.Item label="不予受理原因" name="reasonCategory" rules={[{ required: true, message: '请选择不予受理原因' }]}>
            <RadioGroup aria-label="不予受理原因" options={REJECT_CATEGORIES.map((r) => ({ value: r, label: REJECT_CATEGORY_LABELS[r] }))} />
          </Form.Item>
          {textField('explanation', '不予受理说明（将答复反映人）')}
        </>
      );
    case 'accept':
    case 'change-problem-type':
      return (
        <>
          <Form.Item label="问题类型" name="problemType" rules={[{ required: true, message: '请选择问题类型' }]}>
            <RadioGroup aria-label="问题类型" name="problemType">
              <Space direction="vertical">
                {PROBLEM_TYPES.map((p) => (
                  <Radio key={p} value={p}>
                    {PROBLEM_TYPE_LABELS[p]}
                  </Radio>
                ))}
              </Space>
            </RadioGroup>
          </Form.Item>
          {noteField('备注')}
        </>
      );
    case 'dispatch':
      return (
        <>
          <DispatchFields departments={departments} levelDays={levelDays} />
          {noteField('交办意见')}
          <DispatchPreview workingDays={level ? levelDays[level] : undefined} />
        </>
      );
    case 'request-escalation':
      return textField('reason', '提级理由');
    case 'approve-escalation':
      return (
        <>
          <Form.Item label="牵头部门" name="leadDepartment" rules={[{ required: true, message: '请选择牵头部门' }]}>
            <DeptSelect departments={departments} />
          </Form.Item>
          <Form.Item label="协办部门" name="coDepartments">
            <DeptSelect departments={departments} multiple exclude={lead ? [lead] : []} />
          </Form.Item>
          {dateField('dueAt', '办理时限', true, '三级调度时限一事一议，截止到所选日期 23:59')}
          {noteField('审批意见')}
          <MeetingFields />
        </>
      );
    case 'deny-escalation':
      return textField('reason', '不予提级理由');
    case 'sign':
      return (
        <>
          <Typography.Paragraph>
            签收后开始办理，请在办理时限 <b>{formatDateTime(c.dueAt)}</b> 前办结。
          </Typography.Paragraph>
          {noteField('备注')}
        </>
      );
    case 'undo-sign':
      return <Typography.Paragraph>撤销签收后本件回到“待签收”，办理时限不变。</Typography.Paragraph>;
    case 'complete':
      return (
        <>
          {textField('result', '办理结果')}
          <Form.Item label="答复反映人方式" name="repliedVia" rules={[{ required: true, message: '请选择答复方式' }]}>
            <RadioGroup aria-label="答复反映人方式" name="repliedVia" options={REPLY_CHANNELS.map((r) => ({ value: r, label: REPLY_CHANNEL_LABELS[r] }))} />
          </Form.Item>
        </>
      );
    case 'callback': {
      const bad = ratings.includes('dissatisfied');
      return (
        <>
          <Button
            data-testid="all-satisfied"
            style={{ marginBottom: 12 }}
            onClick={() => {
              form.setFieldsValue(Object.fromEntries(RATING_ASPECTS.map((a) => [a, 'satisfied'])));
              void form.validateFields(RATING_ASPECTS as unknown as string[]).catch(() => undefined);
              onSet?.();
            }}
          >
            全部满意
          </Button>
          {RATING_ASPECTS.map((a) => (
            <Form.Item key={a} label={RATING_ASPECT_LABELS[a]} name={a} rules={[{ required: true, message: `请选择${RATING_ASPECT_LABELS[a]}评价` }]}>
              <RadioGroup aria-label={RATING_ASPECT_LABELS[a]} optionType="button" options={RATINGS.map((r) => ({ value: r, label: RATING_LABELS[r] }))} />
            </Form.Item>
          ))}
          <Form.Item label="回访意见" name="comment" rules={[{ max: LIMITS.text, message: `回访意见不能超过 ${LIMITS.text} 个字` }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          {bad && <Alert type="warning" showIcon message="有“不满意”评价，即为差评：保存后转入核查督办，并抄送县纪委监委。" />}
        </>
      );
    }
    case 'verify':
      return (
        <>
          <Form.Item label="差评是否属实" name="substantiated" rules={[{ required: true, message: '请选择差评是否属实' }]}>
            <RadioGroup aria-label="差评是否属实"
              onChange={(e) => form.setFieldsValue({ outcome: e.target.value ? undefined : 'none', rectifyDueAt: undefined })}
              options={[
                { value: true, label: '属实' },
                { value: false, label: '不实' },
              ]}
            />
          </Form.Item>
          {substantiated !== undefined && (
            <Form.Item label="处理结果" name="outcome" rules={[{ required: true, message: '请选择处理结果' }]}>
              <RadioGroup aria-label="处理结果"
                options={(substantiated ? (['rectify', 'accountability'] as const) : (['none'] as const)).map((o) => ({
                  value: o,
                  label: VERIFY_OUTCOME_LABELS[o],
                }))}
              />
            </Form.Item>
          )}
          {outcome === 'rectify' && dateField('rectifyDueAt', '整改时限', true, '整改期间反映件回到“办理中”，截止到所选日期 23:59')}
          {noteField('核查意见')}
        </>
      );
    case 'urge':
      return noteField('催办意见');
    case 'add-measure': {
      const suggested = c.problemType ? MEASURES_BY_PROBLEM_TYPE[c.problemType] : [];
      const rest = MEASURE_TYPES.filter((m) => !suggested.includes(m));
      return (
        <>
          <Form.Item label="措施" name="type" rules={[{ required: true, message: '请选择措施' }]}>
            <FieldSelect
              showSearch
              optionFilterProp="label"
              options={[
                ...(suggested.length
                  ? [{ label: '本问题类型的规定措施', options: suggested.map((m) => ({ value: m, label: MEASURE_LABELS[m] })) }]
                  : []),
                { label: '其他措施', options: rest.map((m) => ({ value: m, label: MEASURE_LABELS[m] })) },
              ]}
            />
          </Form.Item>
          <Form.Item label="措施说明" name="note" rules={[{ max: LIMITS.text, message: `措施说明不能超过 ${LIMITS.text} 个字` }]}>
            <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} />
          </Form.Item>
          <Form.Item label="经办人员" name="staff" rules={[{ max: LIMITS.name, message: `经办人员不能超过 ${LIMITS.name} 个字` }]}>
            <Input placeholder="帮办、代办等须写明工作人员" />
          </Form.Item>
          {dateField('dueAt', '承诺/完成期限', false, '容缺受理须写明补交材料的期限，到期提醒')}
        </>
      );
    }
    case 'comment':
      return noteField('备注', true);
    case 'request-extension':
      return (
        <>
          <Typography.Paragraph>
            现办理时限 <b>{formatDateTime(c.dueAt)}</b>。延期须在时限届满前申请，由县行管办审批。
          </Typography.Paragraph>
          {dateField('dueAt', '申请延至', true, '截止到所选日期 23:59')}
          {textField('reason', '延期理由')}
        </>
      );
    case 'approve-extension':
      return (
        <>
          {c.pendingExtension && (
            <Alert
              type="info"
              showIcon
              style={{ marginBottom: 12 }}
              message={`申请延至 ${formatDateTime(c.pendingExtension.dueAt)}`}
              description={`理由：${c.pendingExtension.reason}`}
            />
          )}
          {dateField('dueAt', '批准的办理时限', false, '不填即按申请的时限批准')}
          {noteField('审批意见')}
        </>
      );
    case 'deny-extension':
      return textField('reason', '不予延期理由');
    case 'supervise':
      return (
        <>
          {textField('note', '督办要求')}
          {dateField('dueAt', '督办时限', true, '截止到所选日期 23:59')}
        </>
      );
    case 'circulate':
      return (
        <>
          <Form.Item label="被通报部门" name="department" extra="不选即为牵头部门">
            <DeptSelect departments={departments} />
          </Form.Item>
          {textField('summary', '通报内容')}
        </>
      );
    case 'refer-discipline':
      return (
        <>
          {textField('handedOver', '移送材料说明')}
          {noteField('备注')}
        </>
      );
    case 'report-supervision': {
      const open = c.supervisionRecords.filter((r) => r.kind === 'supervise' && !r.reportedAt);
      return (
        <>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={`报告答复待报告的督办：${open.map((r) => `${r.recordNo}（时限 ${formatDateTime(r.dueAt)}）`).join('、') || '—'}`}
          />
          {textField('report', '督办落实情况')}
        </>
      );
    }
    case 'record-discipline-result': {
      const referrals = c.supervisionRecords.filter((r) => r.kind === 'referral');
      return (
        <>
          <Form.Item label="线索移送" name="referralNo" rules={[{ required: true, message: '请选择线索移送记录' }]}>
            <FieldSelect options={referrals.map((r) => ({ value: r.recordNo, label: `${r.recordNo}${r.result ? '（已有处理结果）' : ''}` }))} />
          </Form.Item>
          {textField('result', '线索处理结果')}
        </>
      );
    }
    case 'contest':
      return (
        <>
          <Typography.Paragraph type="secondary">
            认为本件不属于本部门职责的，须在接件后规定的工作日内提出，每个部门对一件只能提出一次。县行管办处理前，仍须按办理时限推进。
          </Typography.Paragraph>
          {textField('reason', '异议理由')}
          <Form.Item label="建议改派至" name="suggestedDepartment" extra="可不填；填写后县行管办改派时会预先选好">
            <DeptSelect departments={departments} exclude={c.leadDepartment ? [c.leadDepartment] : []} />
          </Form.Item>
        </>
      );
    case 'uphold-dispatch':
      return (
        <>
          <ContestInfo c={c} departments={departments} />
          {textField('reason', '维持原派单的理由')}
        </>
      );
    case 'redispatch':
      return (
        <>
          <ContestInfo c={c} departments={departments} />
          <Typography.Paragraph type="secondary">
            改派后签发新的交办单，办理时限从现在起重新计算；原牵头部门、协办部门会收到通知。
          </Typography.Paragraph>
          <DispatchFields departments={departments} levelDays={levelDays} />
          {textField('reason', '改派理由')}
          <DispatchPreview workingDays={level ? levelDays[level] : undefined} />
        </>
      );
    case 'co-reply':
      return (
        <>
          <Typography.Paragraph type="secondary">
            牵头部门：{c.leadDepartmentName ?? '—'}。协办意见供牵头部门办结时汇总；再次提交会替换本部门此前的意见（办理过程中均有记录）。
          </Typography.Paragraph>
          {textField('opinion', '协办意见')}
        </>
      );
    case 'correct':
      return <CorrectionFields c={c} />;
    case 'reopen':
      return c.status === 'closed' ? (
        <>
          <Typography.Paragraph>
            重办：本件回到“办理中”，由原牵头部门 <b>{c.leadDepartmentName ?? '—'}</b> 按新的办理时限继续办理。
          </Typography.Paragraph>
          {textField('reason', '重办理由')}
          {dateField('dueAt', '新的办理时限', true, '截止到所选日期 23:59')}
        </>
      ) : (
        <>
          <Typography.Paragraph>重新受理：撤销不予受理，本件回到“已登记”，重新研判。</Typography.Paragraph>
          {textField('reason', '重新受理理由')}
        </>
      );
    case 'merge':
      return (
        <>
          <Typography.Paragraph type="secondary">
            并件后本件办结为“已并件”，不再单独办理；反映人随主件获知办理进展。只能并入尚在办理中的反映件。
          </Typography.Paragraph>
          <Form.Item label="并入主件" name="into" rules={[{ required: true, message: '请选择主件' }]}>
            <CaseSearchSelect filters={{ status: OPEN_STATUSES_PARAM }} exclude={[c.id]} placeholder="输入编号、事项或企业名称搜索在办的反映件" />
          </Form.Item>
          {noteField('备注')}
        </>
      );
    case 'callback-attempt':
      return (
        <>
          <Typography.Paragraph>
            已记录未接通 <b>{c.callbackAttempts.length}</b> 次
            {unreachableAfter ? `；累计 ${unreachableAfter} 次后可按“无法回访办结”` : ''}。
          </Typography.Paragraph>
          <Form.Item label="未接通情形" name="outcome" rules={[{ required: true, message: '请选择未接通情形' }]}>
            <RadioGroup aria-label="未接通情形"
              optionType="button"
              buttonStyle="solid"
              size="large"
              options={CALLBACK_ATTEMPT_OUTCOMES.map((o) => ({ value: o, label: CALLBACK_ATTEMPT_OUTCOME_LABELS[o] }))}
            />
          </Form.Item>
          {noteField('备注')}
        </>
      );
    case 'close-unreachable':
      return (
        <>
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={`已回访 ${c.callbackAttempts.length} 次均未接通，按无法回访办结（不计入满意度）`}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {c.callbackAttempts.map((a, i) => (
                  <li key={i}>
                    {formatDateTime(a.at)} {CALLBACK_ATTEMPT_OUTCOME_LABELS[a.outcome]}
                    {a.note ? `：${a.note}` : ''}（{personOf(c, a.by)}）
                  </li>
                ))}
              </ul>
            }
          />
          {textField('note', '说明')}
        </>
      );
    case 'fulfil-measure':
    case 'withdraw-measure': {
      const open = c.measures.filter((m) => m.id !== undefined && isPendingMeasure(m));
      const fulfil = action === 'fulfil-measure';
      return (
        <>
          <Form.Item label="措施" name="measureId" rules={[{ required: true, message: fulfil ? '请选择已完成的措施' : '请选择要撤回的措施' }]}>
            <FieldSelect
              options={open.map((m) => ({
                value: m.id,
                label: `${MEASURE_LABELS[m.type] ?? m.type}${m.note ? `：${m.note}` : ''}${m.dueAt ? `（期限 ${formatDateTime(m.dueAt)}）` : ''}`,
              }))}
            />
          </Form.Item>
          {fulfil ? textField('note', '完成情况') : textField('reason', '撤回理由')}
        </>
      );
    }
    default: {
      // Every action has a form of its own: a new action fails the type check here until it gets one.
      const unhandled: never = action;
      return unhandled;
    }
  }
}

function initialValues(action: CaseAction, c: CaseDetail): Record<string, unknown> {
  switch (action) {
    case 'dispatch':
      return { level: 1, leadDepartment: c.departmentCodes[0] };
    case 'complete':
      // The reporter's phone is always on record; an online report is answered online.
      return { repliedVia: c.channel === 'online' ? 'online' : 'phone' };
    case 'approve-escalation':
      return { leadDepartment: c.leadDepartment ?? c.departmentCodes[0], coDepartments: c.coDepartments };
    case 'change-problem-type':
      return { problemType: c.problemType ?? undefined };
    case 'add-measure':
      return { type: c.problemType ? MEASURES_BY_PROBLEM_TYPE[c.problemType][0] : undefined };
    case 'circulate':
      return { department: c.leadDepartment ?? undefined };
    case 'record-discipline-result': {
      const referrals = c.supervisionRecords.filter((r) => r.kind === 'referral');
      const pending = referrals.filter((r) => !r.result);
      return { referralNo: (pending.length === 1 ? pending[0] : referrals.length === 1 ? referrals[0] : undefined)?.recordNo };
    }
    case 'redispatch': {
      const lead = c.pendingContest?.suggestedDepartment ?? undefined;
      const co = c.coDepartments.filter((d) => d !== lead);
      return { level: c.level === 2 && co.length ? 2 : 1, leadDepartment: lead, coDepartments: co };
    }
    case 'correct':
      return {
        changes: {
          channel: c.channel,
          reporter: {
            kind: c.reporter.kind,
            name: c.reporter.name,
            phone: c.reporter.phone,
            orgName: c.reporter.orgName ?? undefined,
            orgCode: c.reporter.orgCode ?? undefined,
          },
          matter: c.matter,
          description: c.description,
          reason: c.reason ?? undefined,
        },
      };
    case 'fulfil-measure':
    case 'withdraw-measure': {
      const open = c.measures.filter((m) => m.id !== undefined && isPendingMeasure(m));
      return { measureId: open.length === 1 ? open[0]!.id : undefined };
    }
    default:
      return {};
  }
}

/** Form values → the action's body fields (dates as the end of the Shanghai day, blanks dropped). */
function toFields(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (dayjs.isDayjs(v)) out[k] = endOfDayIso(v);
    else out[k] = v;
  }
  return out;
}

/** The action's body fields from the dialog's values (更正 sends only what changed). */
function bodyOf(action: CaseAction, values: Record<string, unknown>, c: CaseDetail): Record<string, unknown> {
  if (action === 'correct') {
    const { changes, ...rest } = values;
    return { ...toFields(rest), changes: correctionChanges(c, (changes ?? {}) as CorrectionValues) };
  }
  if (action === 'approve-escalation') {
    const { meeting, ...rest } = values;
    const m = meetingBody(meeting as MeetingValues | undefined);
    return { ...toFields(rest), ...(m ? { meeting: m } : {}) };
  }
  if (action === 'redispatch' && values.level === 1) {
    const { coDepartments: _co, ...rest } = values;
    return toFields(rest);
  }
  return toFields(values);
}

// ---------------------------------------------------------------------------------------------
// Drafts: what was typed in an action dialog stays (per case and action, in sessionStorage) until
// it is sent or discarded on purpose with 放弃; Esc and 取消 only close the dialog.
// ---------------------------------------------------------------------------------------------

const DRAFT_PREFIX = 'bcs.draft.';

/**
 * Whose drafts these are (the signed-in username, set by the case page): on a shared PC a clerk who
 * signs in after another in the same tab never gets the other's typed text back.
 */
export const DraftOwner = createContext<string>('');

/** The sessionStorage key of the draft of one action (or the combined 受理并交办) on one case, for one user. */
export function draftKey(caseId: number, action: string, owner = ''): string {
  return `${DRAFT_PREFIX}${owner ? `${owner}.` : ''}${caseId}.${action}`;
}

/** Form values → JSON-safe values (a chosen date kept as `{ $day: iso }`). */
function encodeDraft(v: unknown): unknown {
  if (dayjs.isDayjs(v)) return { $day: v.toISOString() };
  if (Array.isArray(v)) return v.map(encodeDraft);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeDraft(x)]));
  return v;
}

function decodeDraft(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeDraft);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.$day === 'string' && Object.keys(o).length === 1) return dayjs(o.$day);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeDraft(x)]));
  }
  return v;
}

export function readDraft(key: string): Record<string, unknown> | null {
  try {
    const s = sessionStorage.getItem(key);
    return s ? (decodeDraft(JSON.parse(s)) as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function writeDraft(key: string, values: Record<string, unknown>): void {
  try {
    sessionStorage.setItem(key, JSON.stringify(encodeDraft(values)));
  } catch {
    /* storage full or blocked: the dialog still works, only without a draft */
  }
}

export function dropDraft(key: string): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    /* nothing to drop */
  }
}

/** The draft of one dialog: what it restored, whether one is kept now, and how to save or drop it. */
function useDraft(key: string) {
  const [restored] = useState(() => readDraft(key));
  const [kept, setKept] = useState(restored !== null);
  const save = useCallback(
    (values: Record<string, unknown>) => {
      writeDraft(key, values);
      setKept(true);
    },
    [key],
  );
  const drop = useCallback(() => {
    dropDraft(key);
    setKept(false);
  }, [key]);
  return { restored, kept, save, drop };
}

function DraftNotice({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <Alert
      type="info"
      showIcon
      data-testid="draft-restored"
      style={{ marginBottom: 12 }}
      message="已恢复上次未提交的填写内容。不需要时请点“放弃”。"
    />
  );
}

/** Focuses the dialog's first field (a radio group at its chosen option), unless a field already has the focus. */
export function focusFirstField(root: HTMLElement | null): void {
  if (!root) return;
  const active = document.activeElement;
  if (active && active !== root && root.contains(active) && active.matches('input, textarea')) return;
  const first = root.querySelector<HTMLElement>('input:not([type=hidden]):not([disabled]), textarea:not([disabled])');
  if (!first) return;
  const target =
    first.getAttribute('type') === 'radio'
      ? (first.closest('.ant-radio-group')?.querySelector<HTMLElement>('input[type=radio]:checked') ?? first)
      : first;
  target.focus();
}

/** Focus the first field once the dialog is shown (and again after its opening animation, if the dialog took the focus). */
function useFirstFieldFocus() {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const t = setTimeout(() => focusFirstField(ref.current), 0);
    return () => clearTimeout(t);
  }, []);
  const afterOpenChange = (open: boolean) => {
    if (open) focusFirstField(ref.current);
  };
  return { ref, afterOpenChange };
}

/** Ctrl+Enter (⌘+Enter) confirms a dialog from any of its fields. */
function confirmOnCtrlEnter(submit: () => unknown) {
  return (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };
}

/** How an action's failure is shown: a 409 or 404 explained and the case reloaded, a 400 on its fields. */
function useActionErrors(onStale: () => void) {
  const { modal } = App.useApp();
  return (
    e: unknown,
    label: string,
    form: FormInstance | null,
    fieldNames: string[],
    setError: (m: string) => void,
    rename: Record<string, string> = {},
  ) => {
    if (!(e instanceof ApiError)) {
      setError(`${label}失败，请稍后重试`);
      return;
    }
    if (e.status === 409) {
      modal.warning({ title: `未能${label}`, content: explainConflict(e), okText: '知道了' });
      onStale();
    } else if (e.status === 400 && e.details.length && form) {
      const details = e.details.map((d) => ({ ...d, field: rename[d.field] ?? d.field }));
      const loose = applyFieldErrors(form, details, fieldNames.length ? fieldNames.map((f) => rename[f] ?? f) : undefined);
      setError(loose.length ? loose.join('；') : '请按提示修改后重新提交');
    } else if (e.status === 404) {
      modal.warning({ title: `未能${label}`, content: '未找到该反映件，或您已无权查看。', okText: '知道了' });
      onStale();
    } else {
      setError(e.message);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// The buttons
// ---------------------------------------------------------------------------------------------

/** Actions taken at once on a click, without a dialog: 签收 (with 撤销 instead of a confirmation) and 撤销签收. */
export const DIRECT_ACTIONS: ReadonlySet<CaseAction> = new Set<CaseAction>(['sign', 'undo-sign']);

/** How long the success message of a 签收 offers 撤销 (the rule allows it for UNDO_SIGN_MINUTES; the button stays on the page). */
export const SIGN_UNDO_SECONDS = 10;

/** The combined 受理并交办 dialog's name among the actions. */
export const TRIAGE_DISPATCH = 'accept+dispatch';
type Opened = CaseAction | typeof TRIAGE_DISPATCH;

/**
 * Whether 受理 and 交办 can be decided in one dialog: 予以受理 is offered now, it leads to a state
 * 交办 starts from, and whoever may accept may also dispatch (both from the transition table).
 */
export function canTriageAndDispatch(actions: readonly CaseAction[]): boolean {
  const a = ACTION_RULES.accept;
  const d = ACTION_RULES.dispatch;
  if (!actions.includes('accept') || a.to === 'same' || !Array.isArray(d.from)) return false;
  const from = d.from as readonly string[];
  return a.to.some((s) => from.includes(s)) && a.roles.every((r) => d.roles.includes(r));
}

/** The case page's buttons in order (受理并交办 first when offered), each with its Alt+digit shortcut (first nine). */
export function actionButtons(actions: readonly CaseAction[]): Array<{ key: Opened; label: string; primary: boolean; danger: boolean; shortcut: string | null }> {
  const ordered = [...actions.filter(isMain), ...actions.filter((a) => !isMain(a))];
  const list: Array<{ key: Opened; label: string; primary: boolean; danger: boolean }> = [
    ...(canTriageAndDispatch(actions) ? [{ key: TRIAGE_DISPATCH as Opened, label: '受理并交办', primary: true, danger: false }] : []),
    ...ordered.map((a) => ({ key: a as Opened, label: actionLabel(a), primary: isMain(a), danger: isDanger(a) })),
  ];
  return list.map((b, i) => ({ ...b, shortcut: i < 9 ? `Alt+${i + 1}` : null }));
}

function anyDialogOpen(): boolean {
  return [...document.querySelectorAll<HTMLElement>('.ant-modal-wrap')].some((w) => w.style.display !== 'none');
}

export interface CaseActionsProps {
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
  /** Unanswered callbacks after which a case may close as unreachable (setting). */
  unreachableAfter?: number;
  /** The case as the server answered after an action. */
  onUpdated(c: CaseDetail): void;
  /** The case changed elsewhere: reload it. */
  onStale(): void;
}

export function CaseActions({ c, departments, levelDays, unreachableAfter, onUpdated, onStale }: CaseActionsProps) {
  const [open, setOpen] = useState<Opened | null>(null);
  const { message } = App.useApp();
  const { run } = useSubmitGuard();
  const showError = useActionErrors(onStale);
  const box = useRef<HTMLDivElement>(null);
  const buttons = useMemo(() => actionButtons(c.allowedActions), [c.allowedActions]);

  const takeDirect = useCallback(
    (action: CaseAction, cur: CaseDetail) =>
      run(async () => {
        const label = actionLabel(action);
        try {
          const updated = await api<CaseDetail>(`/cases/${cur.id}/actions/${action}`, { body: { version: cur.version } });
          onUpdated(updated);
          // The clicked button is gone with the new state: work continues at the case's first button.
          setTimeout(() => box.current?.querySelector<HTMLElement>('button')?.focus(), 0);
          if (action === 'sign') {
            const key = `sign-${cur.id}`;
            void message.open({
              key,
              type: 'success',
              duration: SIGN_UNDO_SECONDS,
              content: (
                <span data-testid="sign-done">
                  已签收，请在 {formatDateTime(cur.dueAt)} 前办结。
                  <Button
                    type="link"
                    size="small"
                    data-testid="sign-undo"
                    onClick={() => {
                      message.destroy(key);
                      void takeDirect('undo-sign', updated);
                    }}
                  >
                    撤销
                  </Button>
                </span>
              ),
            });
          } else {
            void message.success(`已${label}`);
          }
        } catch (e) {
          showError(e, label, null, [], (m) => void message.error(`未能${label}：${m}`));
        }
      }),
    [run, onUpdated, message, showError],
  );

  const trigger = useCallback(
    (key: Opened) => {
      if (key !== TRIAGE_DISPATCH && DIRECT_ACTIONS.has(key)) void takeDirect(key, c);
      else setOpen(key);
    },
    [takeDirect, c],
  );

  // The case page's own shortcuts: Alt+1 … Alt+9 take the buttons in order (shown on them).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
      const m = /^Digit([1-9])$/.exec(e.code);
      if (!m || open || anyDialogOpen()) return;
      const b = buttons[Number(m[1]) - 1];
      if (!b) return;
      e.preventDefault();
      trigger(b.key);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [buttons, open, trigger]);

  if (!buttons.length) return null;
  const close = () => {
    setOpen(null);
    // Work continues at the case's buttons, not at the top of the page.
    setTimeout(() => box.current?.querySelector<HTMLElement>('button')?.focus(), 0);
  };
  return (
    <>
      <div ref={box}>
        <Space wrap data-testid="case-actions" className="bcs-case-actions">
          {buttons.map((b) => (
            <Button
              key={b.key}
              type={b.primary ? 'primary' : 'default'}
              danger={b.danger}
              aria-keyshortcuts={b.shortcut ?? undefined}
              title={b.shortcut ? `快捷键 ${b.shortcut}` : undefined}
              data-action={b.key}
              onClick={() => trigger(b.key)}
            >
              {b.label}
              {b.shortcut && (
                <span className="bcs-kbd" aria-hidden="true" style={{ marginInlineStart: 6, fontSize: 11, opacity: 0.75 }}>
                  {b.shortcut}
                </span>
              )}
            </Button>
          ))}
        </Space>
      </div>
      {open === TRIAGE_DISPATCH && (
        <TriageDispatchDialog
          key={`${open}-${c.version}`}
          c={c}
          departments={departments}
          levelDays={levelDays}
          onClose={close}
          onUpdated={(u) => {
            close();
            onUpdated(u);
          }}
          onStale={() => {
            close();
            onStale();
          }}
        />
      )}
      {open && open !== TRIAGE_DISPATCH && (
        <ActionDialog
          key={`${open}-${c.version}`}
          action={open}
          c={c}
          departments={departments}
          levelDays={levelDays}
          unreachableAfter={unreachableAfter}
          onClose={close}
          onUpdated={(u) => {
            close();
            onUpdated(u);
          }}
          onStale={() => {
            close();
            onStale();
          }}
        />
      )}
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// 受理并交办: one dialog for what the coordinator decides at once
// ---------------------------------------------------------------------------------------------

interface TriageDispatchProps {
  c: CaseDetail;
  departments: Department[];
  levelDays: { 1: number; 2: number };
  onClose(): void;
  onUpdated(c: CaseDetail): void;
  onStale(): void;
}

const ACCEPT_FIELDS = ['problemType', 'acceptNote'];
const DISPATCH_FIELDS = ['level', 'leadDepartment', 'coDepartments', 'note'];

const percent = (score: number) => `${Math.round(score * 100)}%`;
/** The best suggestion, and the runners-up that are not negligible (≥ 5 %). */
const worthShowing = <T extends { score: number }>(xs: T[]): T[] => xs.filter((x, i) => i === 0 || x.score >= 0.05);

/**
 * 建议 under a field: the learned suggestions (best first) with their score, each one click to take;
 * the one in the field is marked. Nothing when there is no suggestion.
 */
function SuggestionLine({ name, options, testId }: { name: string; options: Array<{ value: string; label: string; score: number }>; testId: string }) {
  const form = Form.useFormInstance();
  const current = Form.useWatch(name, form) as string | undefined;
  if (!options.length) return null;
  return (
    <div data-testid={testId} style={{ margin: '-8px 0 12px', fontSize: 13 }}>
      <Typography.Text type="secondary">建议：</Typography.Text>
      {options.map((o, i) => (
        <Button
          key={o.value}
          size="small"
          type={current === o.value ? 'primary' : 'default'}
          ghost={current === o.value}
          style={{ marginRight: 6, marginBottom: 4 }}
          data-testid={`${testId}-${i}`}
          aria-pressed={current === o.value}
          onClick={() => form.setFieldValue(name, o.value)}
        >
          {o.label}（{percent(o.score)}）
        </Button>
      ))}
    </div>
  );
}

/**
 * The case's learned suggestions (GET /cases/{id}/suggestions), and — once they arrive — the
 * suggested problem type and lead department put into the form unless the coordinator (or a
 * restored draft) already chose them. Always changeable; failure to load simply shows none.
 */
function useTriageSuggestions(caseId: number, form: FormInstance, restored: Record<string, unknown> | null) {
  const [data, setData] = useState<Suggestions | null>(null);
  useEffect(() => {
    let live = true;
    api<Suggestions>(`/cases/${caseId}/suggestions`)
      .then((s) => live && Array.isArray(s?.problemType) && Array.isArray(s.department) && Array.isArray(s.similar) && setData(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [caseId]);
  const applied = useRef(false);
  useEffect(() => {
    const s = data;
    if (!s || applied.current) return;
    applied.current = true;
    const type = s.problemType[0]?.value;
    if (type && !restored?.problemType && !form.isFieldTouched('problemType')) form.setFieldValue('problemType', type);
    const dept = s.department[0]?.code;
    if (dept && !restored?.leadDepartment && !form.isFieldTouched('leadDepartment')) form.setFieldValue('leadDepartment', dept);
  }, [data, form, restored]);
  return data;
}

/**
 * 予以受理 and 交办 in one dialog: the problem type, then the level and departments pre-filled from
 * the intake (its named departments, level 1) with the deadline previewed. Sent as the two actions
 * the transition table knows — 予以受理, then 交办 with the version the first returned — so each
 * has its own rule, timeline event and audit record. When the 交办 fails the case stays accepted:
 * the dialog says so and stays open on the dispatch part.
 */
export function TriageDispatchDialog({ c, departments, levelDays, onClose, onUpdated, onStale }: TriageDispatchProps) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const showError = useActionErrors(onStale);
  const [error, setError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState<CaseDetail | null>(null);
  const owner = useContext(DraftOwner);
  const draft = useDraft(draftKey(c.id, TRIAGE_DISPATCH, owner));
  const focus = useFirstFieldFocus();
  const level = Form.useWatch('level', form) as 1 | 2 | undefined;
  const suggestions = useTriageSuggestions(c.id, form, draft.restored);
  const deptName = new Map(departments.map((d) => [d.code, d.name]));
  const initial = {
    level: 1,
    leadDepartment: c.departmentCodes[0],
    coDepartments: c.departmentCodes.slice(1),
    ...draft.restored,
  };

  const dispatchBody = (v: Record<string, unknown>) => {
    const { problemType: _p, acceptNote: _n, ...rest } = v;
    const body = toFields(rest);
    if (body.level === 1) delete body.coDepartments;
    return body;
  };

  const submit = () =>
    run(async () => {
      setError(null);
      let values: Record<string, unknown>;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      const acceptBody = toFields({ problemType: values.problemType, note: values.acceptNote });
      const toDispatch = dispatchBody(values);
      // Both bodies checked with the server's own rules before anything is sent.
      const a = ACTION_BODIES.accept.safeParse(acceptBody);
      const d = ACTION_BODIES.dispatch.safeParse(toDispatch);
      if (!accepted && !a.success) {
        const loose = applyFieldErrors(form, issuesOf(a.error).map((i) => ({ ...i, field: i.field === 'note' ? 'acceptNote' : i.field })), ACCEPT_FIELDS);
        if (loose.length) setError(loose.join('；'));
        return;
      }
      if (!d.success) {
        const loose = applyFieldErrors(form, issuesOf(d.error), DISPATCH_FIELDS);
        if (loose.length) setError(loose.join('；'));
        return;
      }
      let current = accepted;
      if (!current) {
        try {
          current = await api<CaseDetail>(`/cases/${c.id}/actions/accept`, { body: { version: c.version, ...acceptBody } });
        } catch (e) {
          showError(e, '予以受理', form, ACCEPT_FIELDS, setError, { note: 'acceptNote' });
          return;
        }
        setAccepted(current);
      }
      try {
        const done = await api<CaseDetail>(`/cases/${c.id}/actions/dispatch`, { body: { version: current.version, ...toDispatch } });
        draft.drop();
        dropDraft(draftKey(c.id, 'dispatch', owner));
        void message.success('已予以受理并交办');
        onUpdated(done);
      } catch (e) {
        // The case is accepted now; what is left is the 交办, in this dialog or later with 交办.
        writeDraft(draftKey(c.id, 'dispatch', owner), { level: values.level, leadDepartment: values.leadDepartment, coDepartments: values.coDepartments, note: values.note });
        if (e instanceof ApiError && e.status === 409) {
          onUpdated(current);
          showError(e, '交办', form, DISPATCH_FIELDS, setError);
          return;
        }
        showError(e, '交办', form, DISPATCH_FIELDS, (m) => setError(`交办未成功：${m}`));
      }
    });

  const close = () => (accepted ? onUpdated(accepted) : onClose());
  const label = accepted ? '交办' : '受理并交办';
  return (
    <Modal
      open
      title={`${accepted ? '交办' : '受理并交办'} · ${c.caseNo}`}
      okText={`确认${label}`}
      cancelText={accepted ? '稍后交办' : '取消'}
      onOk={submit}
      onCancel={close}
      afterOpenChange={focus.afterOpenChange}
      confirmLoading={pending}
      maskClosable={false}
      destroyOnHidden
      width={640}
      // Fits at 1366×768 with the deadline preview and the confirm button in view: near the top and
      // compact (bcs-fit-dialog in global.css).
      style={{ top: 16 }}
      className="bcs-fit-dialog"
      footer={(_, { OkBtn, CancelBtn }) => (
        <>
          {draft.kept && !accepted && (
            <Button
              danger
              type="text"
              data-testid="draft-discard"
              onClick={() => {
                draft.drop();
                onClose();
              }}
            >
              放弃
            </Button>
          )}
          <CancelBtn />
          <OkBtn />
        </>
      )}
    >
      <div ref={focus.ref} onKeyDown={confirmOnCtrlEnter(submit)} data-testid="triage-dispatch">
        {accepted && (
          <Alert
            type="warning"
            showIcon
            data-testid="accepted-not-dispatched"
            style={{ marginBottom: 12 }}
            message="已予以受理，但交办未成功"
            description="本件现为“已受理”。请按提示修改交办内容后再次确认交办；也可点“稍后交办”关闭，之后用“交办”按钮完成（已填写的交办内容会保留）。"
          />
        )}
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="action-error" />}
        <DraftNotice show={draft.restored !== null && !accepted} />
        <Form
          form={form}
          component={false}
          layout="vertical"
          initialValues={initial}
          preserve={false}
          onValuesChange={() => draft.save(form.getFieldsValue(true) as Record<string, unknown>)}
        >
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontSize: 14, fontWeight: 600, border: 0, marginBottom: 4 }}>受理</legend>
            <Form.Item label="问题类型" name="problemType" rules={[{ required: true, message: '请选择问题类型' }]}>
              <RadioGroup aria-label="问题类型" name="problemType" disabled={!!accepted}>
                <Space direction="vertical" size={2}>
                  {PROBLEM_TYPES.map((p) => (
                    <Radio key={p} value={p}>
                      {PROBLEM_TYPE_LABELS[p]}
                    </Radio>
                  ))}
                </Space>
              </RadioGroup>
            </Form.Item>
            {!accepted && (
              <SuggestionLine
                name="problemType"
                testId="suggest-problem-type"
                options={worthShowing(suggestions?.problemType ?? []).map((p) => ({ value: p.value, label: /（(.*)）$/.exec(PROBLEM_TYPE_LABELS[p.value])?.[1] ?? PROBLEM_TYPE_LABELS[p.value], score: p.score }))}
              />
            )}
            <Form.Item label="受理备注" name="acceptNote" rules={[{ max: LIMITS.text, message: `受理备注不能超过 ${LIMITS.text} 个字` }]}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} disabled={!!accepted} />
            </Form.Item>
          </fieldset>
          <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
            <legend style={{ fontSize: 14, fontWeight: 600, border: 0, marginBottom: 4 }}>交办</legend>
            <DispatchFields departments={departments} levelDays={levelDays} />
            <SuggestionLine
              name="leadDepartment"
              testId="suggest-department"
              options={worthShowing((suggestions?.department ?? []).filter((d) => deptName.has(d.code))).map((d) => ({ value: d.code, label: deptName.get(d.code)!, score: d.score }))}
            />
            {noteField('交办意见')}
            <DispatchPreview workingDays={level ? levelDays[level] : undefined} />
          </fieldset>
        </Form>
        {!!suggestions?.similar.length && (
          <div data-testid="similar-cases" style={{ fontSize: 13 }}>
            <Typography.Text type="secondary">相似的较早反映件：</Typography.Text>
            {suggestions.similar.map((s) => (
              // A new tab: the dialog and what is typed in it stay as they are.
              <a key={s.id} href={`/cases/${s.id}`} target="_blank" rel="noopener" style={{ marginRight: 10 }}>
                {s.caseNo}
              </a>
            ))}
          </div>
        )}
      </div>
    </Modal>
  );
}

// ---------------------------------------------------------------------------------------------
// One action's dialog
// ---------------------------------------------------------------------------------------------

interface DialogProps extends FieldsProps {
  /** Values the dialog opens with, over the action's defaults (e.g. the measure of a row). */
  initial?: Record<string, unknown>;
  onClose(): void;
  onUpdated(c: CaseDetail): void;
  onStale(): void;
}

export function ActionDialog({ action, c, departments, levelDays, unreachableAfter, initial, onClose, onUpdated, onStale }: DialogProps) {
  const [form] = Form.useForm();
  const { message } = App.useApp();
  const { run, pending } = useSubmitGuard();
  const showError = useActionErrors(onStale);
  const [error, setError] = useState<string | null>(null);
  const label = actionLabel(action);
  const fieldNames = useMemo(() => Object.keys((ACTION_BODIES[action] as unknown as { shape?: object }).shape ?? {}), [action]);
  const draft = useDraft(draftKey(c.id, action, useContext(DraftOwner)));
  const focus = useFirstFieldFocus();
  const saveDraft = () => draft.save(form.getFieldsValue(true) as Record<string, unknown>);
  const [files, setFiles] = useState<File[]>([]);

  const submit = () =>
    run(async () => {
      setError(null);
      let values: Record<string, unknown>;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      const fields = bodyOf(action, values, c);
      if (action === 'correct' && Object.keys(fields.changes as object).length === 0) {
        setError('没有需要更正的内容：请先修改需要更正的项目');
        return;
      }
      const checked = ACTION_BODIES[action].safeParse(fields);
      if (!checked.success) {
        const loose = applyFieldErrors(form, issuesOf(checked.error), fieldNames.length ? fieldNames : undefined);
        if (loose.length) setError(loose.join('；'));
        return;
      }
      let updated: CaseDetail;
      try {
        updated = await api<CaseDetail>(`/cases/${c.id}/actions/${action}`, { body: { version: c.version, ...fields } });
      } catch (e) {
        showError(e, label, form, fieldNames, setError);
        return;
      }
      draft.drop();
      void message.success(`已${label}`);
      // The files chosen in the dialog go up once the action is saved (an upload never changes the case's version).
      const kind = ACTION_ATTACHMENT_KIND[action];
      if (kind && files.length) {
        const failed = await uploadAttachments(c.id, files, kind);
        if (failed.length) void message.warning(`${failed.length} 个附件未能上传：${failed.join('；')}`, 8);
        else void message.success(`已上传 ${files.length} 个附件`);
        updated = await api<CaseDetail>(`/cases/${c.id}`).catch(() => updated);
      }
      onUpdated(updated);
    });

  return (
    <Modal
      open
      title={`${label} · ${c.caseNo}`}
      okText={`确认${label}`}
      cancelText="取消"
      onOk={submit}
      onCancel={onClose}
      afterOpenChange={focus.afterOpenChange}
      confirmLoading={pending}
      maskClosable={false}
      destroyOnHidden
      width={action === 'correct' ? 720 : action === 'accept' || action === 'change-problem-type' || action === 'callback' ? 640 : 560}
      footer={(_, { OkBtn, CancelBtn }) => (
        <>
          {draft.kept && (
            <Button
              danger
              type="text"
              data-testid="draft-discard"
              onClick={() => {
                draft.drop();
                onClose();
              }}
            >
              放弃
            </Button>
          )}
          <CancelBtn />
          <OkBtn />
        </>
      )}
    >
      <div ref={focus.ref} onKeyDown={confirmOnCtrlEnter(submit)}>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="action-error" />}
        <DraftNotice show={draft.restored !== null} />
        {/* component={false}: no <form> element, so Enter confirms a date or an option and never sends the action. */}
        <Form
          form={form}
          component={false}
          layout="vertical"
          initialValues={{ ...initialValues(action, c), ...draft.restored, ...initial }}
          preserve={false}
          onValuesChange={saveDraft}
        >
          <ActionFields action={action} c={c} departments={departments} levelDays={levelDays} unreachableAfter={unreachableAfter} onSet={saveDraft} />
        </Form>
        {ACTION_ATTACHMENT_KIND[action] && (
          <div style={{ marginTop: 4 }}>
            <label htmlFor={`action-files-${action}`} style={{ display: 'block', marginBottom: 4 }}>
              {action === 'fulfil-measure' ? '补交的材料或完成凭证（可选）' : '附件（可选）'}
            </label>
            <input
              id={`action-files-${action}`}
              type="file"
              multiple
              accept={ATTACHMENT_ACCEPT}
              data-testid="action-files"
              onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
            />
            <div style={{ fontSize: 12, color: '#595959', marginTop: 2 }}>
              保存后作为“{ATTACHMENT_KIND_LABELS[ACTION_ATTACHMENT_KIND[action]!]}”上传；仅限 PDF、OFD、图片、Word、Excel
            </div>
          </div>
        )}
      </div>
    </Modal>
  );
}

/** The dialogs that take files, and the kind those files are stored as. */
const ACTION_ATTACHMENT_KIND: Partial<Record<CaseAction, AttachmentKind>> = {
  'add-measure': 'promise',
  // 已补交 / 标记完成: the material handed in, or the proof the measure was carried out.
  'fulfil-measure': 'evidence',
  complete: 'result',
  verify: 'verification',
};
