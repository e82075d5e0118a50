/**
 * 登记: the intake form, fast enough for a hotline call. Tab moves field to field in the order of the
 * call (who — phone — what matter — what happened), Enter in any one-line field saves, Ctrl+Enter
 * saves from the long text fields; the optional 办不成原因 and 涉及部门 come last. Every rule is the
 * server's own (core/validation, core/api/schemas), so a bad phone or a wrong 统一社会信用代码 check
 * digit is caught before anything is sent. With a `draftKey`, what is typed is kept (sessionStorage)
 * until it is saved or discarded on purpose with 放弃草稿.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Alert, AutoComplete, Button, Col, Form, Input, List, Row, Space, Tag, Typography, type InputRef } from 'antd';
import type { Rule } from 'antd/es/form';
import type { z } from 'zod';
import { CHANNELS, CHANNEL_LABELS, type Channel, type ReporterKind } from '../../../core/domain';
import { isValidPhone, isValidUscc, normalisePhone } from '../../../core/validation';
import { LIMITS, ZIntake } from '../../../core/api/schemas';
import { api, ApiError, newIdempotencyKey } from '../api/client';
import type { CaseDetail, CasePage, CaseSummary, Department, Matter } from '../api/types';
import { isTerminalStatus } from '../../../core/clocks';
import { StatusTag } from './CaseTags';
import { RadioGroup } from './RadioGroup';
import { formatDate, formatDateTime } from '../lib/time';
import { applyFieldErrors, issuesOf } from '../lib/forms';
import { useSubmitGuard } from '../lib/useSubmitGuard';
import { departmentOptions } from '../api/queries';
import { MultiSelect } from './MultiSelect';
import { IntakeFiles, filesFromClipboard } from './IntakeFiles';

export interface IntakeValues {
  channel: Channel;
  reporter: { kind: ReporterKind; name: string; phone: string; orgName?: string; orgCode?: string };
  matter: string;
  /** The 事项目录 code chosen with the type-ahead (cleared when the matter text is changed by hand). */
  matterCode?: string;
  departmentCodes: string[];
  description: string;
  reason?: string;
}

const FIELD_NAMES = ['channel', 'reporter', 'matter', 'matterCode', 'departmentCodes', 'description', 'reason'];

/**
 * 事项名称 with the 事项目录's type-ahead: typing looks matters up by name or code (GET /matters?q=);
 * choosing one fills the name, sets `matterCode` and names its department under 涉及部门 when none
 * is named yet. Free text stays possible (a matter not in the catalogue); editing the text by hand
 * drops the code. Without a catalogue it behaves as the plain field.
 */
function MatterInput({ id, value, onChange, lookup }: { id?: string; value?: string; onChange?: (v: string) => void; lookup: boolean }) {
  const form = Form.useFormInstance<IntakeValues>();
  const code = Form.useWatch('matterCode', form) as string | undefined;
  const [q, setQ] = useState('');
  const [found, setFound] = useState<Matter[]>([]);
  useEffect(() => {
    const text = q.trim();
    if (!text || !lookup) {
      setFound([]);
      return;
    }
    let live = true;
    const t = setTimeout(() => {
      api<{ items: Matter[] }>(`/matters?q=${encodeURIComponent(text.slice(0, 100))}&limit=10`)
        .then((r) => live && setFound(Array.isArray(r?.items) ? r.items : []))
        .catch(() => live && setFound([]));
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, lookup]);
  const options = found.map((m) => ({
    value: m.code,
    label: (
      <span data-testid={`matter-option-${m.code}`}>
        {m.name} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{m.code} · {m.departmentName}</Typography.Text>
      </span>
    ),
  }));
  return (
    <>
      <AutoComplete
        id={id}
        value={value}
        options={options}
        onSearch={setQ}
        onChange={(v: string) => {
          // A chosen option's value is its code; onSelect puts the name in right after.
          if (found.some((m) => m.code === v)) return;
          if (code) form.setFieldValue('matterCode', undefined);
          onChange?.(v);
        }}
        onSelect={(picked: string) => {
          const m = found.find((x) => x.code === picked);
          if (!m) return;
          onChange?.(m.name);
          form.setFieldValue('matterCode', m.code);
          const named = (form.getFieldValue('departmentCodes') as string[] | undefined) ?? [];
          if (!named.length) form.setFieldValue('departmentCodes', [m.department]);
          setFound([]);
        }}
        data-testid="matter-input"
      >
        <Input
          autoComplete="off"
          maxLength={LIMITS.matter}
          placeholder="想办的政务服务事项，输入名称或编码可从事项目录中选择，如：个体工商户设立登记"
          onPressEnter={(e) => {
            // Enter chooses from an open list (not a save); with none open the form saves, as from every one-line field.
            if (options.length) e.preventDefault();
          }}
        />
      </AutoComplete>
      {code && (
        <Tag color="blue" style={{ marginTop: 4 }} data-testid="matter-code">
          事项目录：{code}
        </Tag>
      )}
    </>
  );
}
/** Where the channel was once remembered per browser (a shared PC flipped between clerks): no longer read. */
const OLD_CHANNEL_KEY = 'bcs.intake.channel';

export const PHONE_MESSAGE = '联系电话格式不正确（应为手机号码或固定电话）';
export const USCC_MESSAGE = '统一社会信用代码不正确（校验位不符）';

/**
 * The rules of the intake's fields (the server's own limits and checks), shared with the 更正
 * dialog so a correction is refused with the same words as the registration.
 */
export const INTAKE_RULES = {
  name: [
    { required: true, whitespace: true, message: '请填写反映人姓名' },
    { max: LIMITS.name, message: `反映人姓名不能超过 ${LIMITS.name} 个字` },
  ],
  phone: [
    { required: true, whitespace: true, message: '请填写联系电话' },
    {
      validator: async (_r: unknown, v: string | undefined) => {
        if (v && v.trim() && !isValidPhone(normalisePhone(v))) throw new Error(PHONE_MESSAGE);
      },
    },
  ],
  orgName: [
    { required: true, whitespace: true, message: '企业反映须填写企业名称' },
    { max: LIMITS.name, message: `企业名称不能超过 ${LIMITS.name} 个字` },
  ],
  orgCode: [
    { required: true, whitespace: true, message: '企业反映须填写统一社会信用代码' },
    {
      validator: async (_r: unknown, v: string | undefined) => {
        if (v && !isValidUscc(v.trim().toUpperCase())) throw new Error(USCC_MESSAGE);
      },
    },
  ],
  matter: [
    { required: true, whitespace: true, message: '请填写事项名称' },
    { max: LIMITS.matter, message: `事项名称不能超过 ${LIMITS.matter} 个字` },
  ],
  description: [
    { required: true, whitespace: true, message: '请填写诉求' },
    { max: LIMITS.text, message: `诉求不能超过 ${LIMITS.text} 个字` },
  ],
  reason: [{ max: LIMITS.text, message: `办不成原因不能超过 ${LIMITS.text} 个字` }],
  channel: [{ required: true, message: '请选择反映渠道' }],
  kind: [{ required: true, message: '请选择反映人类型' }],
} satisfies Record<string, Rule[]>;

/** 统一社会信用代码 as typed → upper case without blanks. */
export const normaliseOrgCode = (v: string) => v?.toUpperCase().replace(/\s/g, '');

/** A kept draft: the values typed so far, when, and the idempotency key of this case. */
export interface IntakeDraft {
  values: Partial<IntakeValues>;
  savedAt: string;
  idempotencyKey: string;
}

function readDraft(key: string | undefined): IntakeDraft | null {
  if (!key) return null;
  try {
    const raw = window.sessionStorage.getItem(key);
    const d = raw ? (JSON.parse(raw) as IntakeDraft) : null;
    return d && typeof d === 'object' && d.values && typeof d.idempotencyKey === 'string' ? d : null;
  } catch {
    return null;
  }
}

function writeDraft(key: string | undefined, d: IntakeDraft | null): void {
  if (!key) return;
  try {
    if (d) window.sessionStorage.setItem(key, JSON.stringify(d));
    else window.sessionStorage.removeItem(key);
  } catch {
    /* storage full or unavailable: the form still works, only the draft is not kept */
  }
}

/** Whether anything was typed (the channel and reporter kind alone are not a draft). */
function hasContent(v: Partial<IntakeValues> | undefined): boolean {
  if (!v) return false;
  const r = v.reporter;
  const filled = (s: unknown) => typeof s === 'string' && s.trim() !== '';
  return (
    filled(r?.name) || filled(r?.phone) || filled(r?.orgName) || filled(r?.orgCode) || filled(v.matter) || filled(v.description) || filled(v.reason) || (v.departmentCodes?.length ?? 0) > 0
  );
}

export interface IntakeFormProps {
  departments: Department[];
  /** The channel the form starts on (the account's own, see core/domain startingChannel). */
  defaultChannel?: Channel;
  /** Keep what is typed under this sessionStorage key (one per user) until saved or discarded. */
  draftKey?: string;
  /** Show the reporter's earlier cases once a valid phone is typed (GET /cases?phone=…). */
  lookupEarlierCases?: boolean;
  /** Offer the 事项目录's matters as the matter is typed (GET /matters?q=). */
  lookupMatters?: boolean;
  /** The saved case, and the reporter's open cases about the same matter (candidates for 并件). */
  onSaved(c: CaseDetail, sameMatterOpen: CaseSummary[]): void | Promise<void>;
  /** What is typed as matter and description, on every change (the 相关知识 panel searches it). */
  onTextChange?(text: string): void;
}

/** The same matter, loosely: equal once blanks are dropped, or one naming the other. */
export function sameMatter(a: string, b: string): boolean {
  const x = a.replace(/\s/g, '');
  const y = b.replace(/\s/g, '');
  return !!x && !!y && (x === y || (Math.min(x.length, y.length) >= 4 && (x.includes(y) || y.includes(x))));
}

/** The reporter's earlier cases for a phone number (open ones first), fetched once the number is valid. */
function useEarlierCases(phone: string | undefined, enabled: boolean): { phone: string | null; cases: CaseSummary[] | null } {
  const valid = phone && phone.trim() ? normalisePhone(phone.trim()) : '';
  const key = enabled && valid && isValidPhone(valid) ? valid : null;
  const [answer, setAnswer] = useState<{ phone: string; cases: CaseSummary[] } | null>(null);
  useEffect(() => {
    if (!key) return;
    const ctl = new AbortController();
    const t = setTimeout(() => {
      api<CasePage>(`/cases?phone=${encodeURIComponent(key)}&limit=20`, { signal: ctl.signal })
        .then((r) => {
          const open = r.items.filter((c) => !isTerminalStatus(c.status));
          const done = r.items.filter((c) => isTerminalStatus(c.status));
          setAnswer({ phone: key, cases: [...open, ...done] });
        })
        .catch(() => undefined); // only a hint: the form works without it
    }, 300);
    return () => {
      clearTimeout(t);
      ctl.abort();
    };
  }, [key]);
  return key && answer?.phone === key ? answer : { phone: key, cases: null };
}

function EarlierCases({ cases, matter }: { cases: CaseSummary[]; matter: string }) {
  if (!cases.length) return null;
  const open = cases.filter((c) => !isTerminalStatus(c.status));
  const same = open.filter((c) => sameMatter(c.matter, matter));
  return (
    <Alert
      type={same.length ? 'warning' : 'info'}
      showIcon
      data-testid="earlier-cases"
      style={{ marginBottom: 16 }}
      message={
        <span>
          该反映人此前反映过 {cases.length}
          {cases.length >= 20 ? '+' : ''} 件{open.length ? `，其中 ${open.length} 件仍在办理` : ''}
        </span>
      }
      description={
        <>
          {same.length > 0 && (
            <Typography.Paragraph strong style={{ marginBottom: 4 }} data-testid="merge-hint">
              同一事项的在办件：{same.map((c) => c.caseNo).join('、')}。如属重复反映，登记后请县行管办在本件页面“并件”并入该件，一并答复。
            </Typography.Paragraph>
          )}
          <List
            size="small"
            split={false}
            dataSource={cases.slice(0, 8)}
            renderItem={(c) => (
              <List.Item style={{ padding: '2px 0' }}>
                <Space size={8} wrap>
                  <a href={`/cases/${c.id}`} target="_blank" rel="noopener">
                    {c.caseNo}
                  </a>
                  <StatusTag status={c.status} />
                  {same.includes(c) && <Tag color="orange">同一事项</Tag>}
                  <span>{c.matter}</span>
                  <Typography.Text type="secondary">
                    {formatDate(c.receivedAt)}
                    {c.leadDepartmentName ? ` · ${c.leadDepartmentName}` : ''}
                  </Typography.Text>
                </Space>
              </List.Item>
            )}
          />
          {cases.length > 8 && (
            <a href={`/cases?phone=${encodeURIComponent(cases[0]!.reporter.phone)}`} target="_blank" rel="noopener">
              在台账中查看全部
            </a>
          )}
        </>
      }
    />
  );
}

export function IntakeForm({ departments, defaultChannel = 'window', draftKey, lookupEarlierCases = false, lookupMatters = false, onSaved, onTextChange }: IntakeFormProps) {
  const [form] = Form.useForm<IntakeValues>();
  // The draft is read once, on mount: the form starts from it.
  const [restored] = useState(() => readDraft(draftKey));
  const [dirty, setDirty] = useState(() => hasContent(restored?.values));
  const draftTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const nameRef = useRef<InputRef>(null);
  const initialValues = useMemo<Partial<IntakeValues>>(
    () => ({ channel: defaultChannel, reporter: { kind: 'person' } as IntakeValues['reporter'], departmentCodes: [], ...(restored?.values ?? {}) }),
    // Only the first render's values matter to antd's initialValues.
    [],
  );
  const kind = Form.useWatch(['reporter', 'kind'], form) ?? 'person';
  const phone = Form.useWatch(['reporter', 'phone'], form) as string | undefined;
  const matter = (Form.useWatch('matter', form) as string | undefined) ?? '';
  const description = (Form.useWatch('description', form) as string | undefined) ?? '';
  useEffect(() => onTextChange?.(`${matter} ${description}`.trim()), [matter, description, onTextChange]);
  const earlier = useEarlierCases(phone, lookupEarlierCases);
  const [formError, setFormError] = useState<string | null>(null);
  /** Files brought with the report (佐证材料): sent with the intake as multipart. */
  const [files, setFiles] = useState<File[]>([]);
  const { run, pending } = useSubmitGuard();
  // One key per case being registered: a retry after a lost answer never makes a second case.
  const idempotencyKey = useRef(restored?.idempotencyKey ?? newIdempotencyKey());
  const deptOptions = useMemo(() => departmentOptions(departments), [departments]);

  useEffect(() => {
    try {
      window.localStorage.removeItem(OLD_CHANNEL_KEY);
    } catch {
      /* nothing to forget */
    }
    return () => {
      if (draftTimer.current) clearTimeout(draftTimer.current);
    };
  }, []);

  /** Keeps the draft (a moment after the last key, and at once when the page is left). */
  const keepDraft = (now = false) => {
    if (!draftKey) return;
    const write = () => {
      draftTimer.current = null;
      const values = form.getFieldsValue(true) as Partial<IntakeValues>;
      writeDraft(draftKey, hasContent(values) ? { values, savedAt: new Date().toISOString(), idempotencyKey: idempotencyKey.current } : null);
    };
    if (draftTimer.current) clearTimeout(draftTimer.current);
    if (now) write();
    else draftTimer.current = setTimeout(write, 300);
  };
  // Leaving the page (another menu entry) must not lose the last few keys of the debounce.
  const keepRef = useRef(keepDraft);
  keepRef.current = keepDraft;
  useEffect(() => () => {
    if (keepRef.current && draftTimer.current) keepRef.current(true);
  }, []);

  const discardDraft = () => {
    if (draftTimer.current) clearTimeout(draftTimer.current);
    draftTimer.current = null;
    writeDraft(draftKey, null);
    // resetFields() goes back to the initial values, which hold the restored draft: empty every field.
    form.resetFields();
    form.setFieldsValue({
      channel: defaultChannel,
      reporter: { kind: 'person', name: undefined, phone: undefined, orgName: undefined, orgCode: undefined } as unknown as IntakeValues['reporter'],
      matter: undefined,
      matterCode: undefined,
      departmentCodes: [],
      description: undefined,
      reason: undefined,
    });
    idempotencyKey.current = newIdempotencyKey();
    setFormError(null);
    setDirty(false);
    setFiles([]);
    nameRef.current?.focus();
  };

  // The lock is taken on the submit itself, before validation, so a double click or a held Enter
  // cannot slip a second request in after the first answer.
  const submit = () =>
    run(async () => {
      setFormError(null);
      let values: IntakeValues;
      try {
        values = await form.validateFields();
      } catch {
        return;
      }
      const body: z.input<typeof ZIntake> = {
        channel: values.channel,
        reporter: {
          name: values.reporter.name,
          phone: values.reporter.phone,
          kind: values.reporter.kind,
          ...(values.reporter.kind === 'enterprise'
            ? { orgName: values.reporter.orgName, orgCode: values.reporter.orgCode }
            : {}),
        },
        matter: values.matter,
        ...(values.matterCode ? { matterCode: values.matterCode } : {}),
        departmentCodes: values.departmentCodes ?? [],
        description: values.description,
        reason: values.reason,
      };
      const checked = ZIntake.safeParse(body);
      if (!checked.success) {
        const loose = applyFieldErrors(form, issuesOf(checked.error), FIELD_NAMES);
        if (loose.length) setFormError(loose.join('；'));
        return;
      }
      try {
        // With files: multipart, the case as JSON in `case` and each file in `file`.
        let payload: unknown = checked.data;
        if (files.length) {
          const fd = new FormData();
          fd.append('case', JSON.stringify(checked.data));
          for (const f of files) fd.append('file', f, f.name);
          payload = fd;
        }
        const saved = await api<CaseDetail>('/cases', {
          body: payload,
          headers: { 'Idempotency-Key': idempotencyKey.current },
        });
        setFiles([]);
        // Saved: the draft has done its work.
        if (draftTimer.current) clearTimeout(draftTimer.current);
        draftTimer.current = null;
        writeDraft(draftKey, null);
        // The key stays: anything sent again from this form answers the same case.
        await onSaved(saved, (earlier.cases ?? []).filter((c) => !isTerminalStatus(c.status) && sameMatter(c.matter, checked.data.matter)));
      } catch (e) {
        if (e instanceof ApiError) {
          const loose = e.details.length ? applyFieldErrors(form, e.details, FIELD_NAMES) : [e.message];
          if (loose.length || !e.details.length) setFormError(loose.length ? loose.join('；') : e.message);
          else setFormError('请按提示修改后重新提交');
        } else setFormError('登记失败，请稍后重试');
      }
    });

  /** Ctrl+Enter (or ⌘+Enter) saves from a multi-line field. */
  const submitOnCtrlEnter = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <form
      aria-label="登记表单"
      noValidate
      onPaste={(e) => {
        const pasted = filesFromClipboard(e.clipboardData);
        if (pasted.length) {
          e.preventDefault();
          setFiles((fs) => [...fs, ...pasted]);
        }
      }}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Form<IntakeValues>
        form={form}
        component={false}
        layout="vertical"
        initialValues={initialValues}
        scrollToFirstError
        onValuesChange={(_changed, all) => {
          setDirty(hasContent(all));
          keepDraft();
        }}
      >
        {restored && hasContent(restored.values) && dirty && (
          <Alert
            type="info"
            showIcon
            data-testid="draft-restored"
            style={{ marginBottom: 16 }}
            message={`已恢复未保存的草稿（${formatDateTime(restored.savedAt)}）。保存登记或点“放弃草稿”前，草稿一直保留。`}
          />
        )}
        {formError && <Alert type="error" showIcon message={formError} style={{ marginBottom: 16 }} data-testid="form-error" />}
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item label="反映渠道" name="channel" rules={INTAKE_RULES.channel}>
              <RadioGroup aria-label="反映渠道" optionType="button" buttonStyle="solid" options={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item label="反映人类型" name={['reporter', 'kind']} rules={INTAKE_RULES.kind}>
              <RadioGroup
                aria-label="反映人类型"
                optionType="button"
                options={[
                  { value: 'person', label: '个人（群众）' },
                  { value: 'enterprise', label: '企业' },
                ]}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              label="反映人姓名"
              name={['reporter', 'name']}
              rules={INTAKE_RULES.name}
            >
              <Input ref={nameRef} autoFocus autoComplete="off" maxLength={LIMITS.name} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              label="联系电话"
              name={['reporter', 'phone']}
              validateTrigger="onBlur"
              rules={INTAKE_RULES.phone}
            >
              <Input autoComplete="off" inputMode="tel" placeholder="手机或固话，如 13800000000、023-74512345" />
            </Form.Item>
          </Col>
        </Row>
        {earlier.cases && <EarlierCases cases={earlier.cases} matter={matter} />}
        {kind === 'enterprise' && (
          <Row gutter={16}>
            <Col span={12}>
              <Form.Item
                label="企业名称"
                name={['reporter', 'orgName']}
                rules={INTAKE_RULES.orgName}
              >
                <Input autoComplete="off" maxLength={LIMITS.name} />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item
                label="统一社会信用代码"
                name={['reporter', 'orgCode']}
                validateTrigger="onBlur"
                normalize={normaliseOrgCode}
                rules={INTAKE_RULES.orgCode}
              >
                <Input autoComplete="off" maxLength={18} placeholder="18 位，如 91500231MA5U0XXXX" />
              </Form.Item>
            </Col>
          </Row>
        )}
        <Form.Item name="matterCode" hidden>
          <Input />
        </Form.Item>
        <Form.Item
          label="事项名称"
          name="matter"
          rules={INTAKE_RULES.matter}
        >
          <MatterInput lookup={lookupMatters} />
        </Form.Item>
        <Form.Item
          label="诉求"
          name="description"
          rules={INTAKE_RULES.description}
        >
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} onKeyDown={submitOnCtrlEnter} placeholder="反映人想办成什么事" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item
              label="办不成原因"
              name="reason"
              rules={INTAKE_RULES.reason}
            >
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} onKeyDown={submitOnCtrlEnter} placeholder="为什么没办成（窗口怎么答复的）" />
            </Form.Item>
          </Col>
          <Col span={10}>
            {/* Tab leaves this select without choosing (MultiSelect): Enter chooses the highlighted department. */}
            <Form.Item label="涉及部门" name="departmentCodes" tooltip="输入部门名称（或代码）搜索，Enter 选中，可多选；Tab 离开不会选中">
              <MultiSelect
                showSearch
                allowClear
                filterOption={(input, option) => {
                  const q = input.trim().toLowerCase();
                  return !!option && (String(option.label).toLowerCase().includes(q) || String(option.value).toLowerCase().includes(q));
                }}
                options={deptOptions}
                placeholder="输入部门名称搜索"
                maxTagCount="responsive"
              />
            </Form.Item>
          </Col>
        </Row>
        <IntakeFiles files={files} onChange={setFiles} />
        <Space wrap>
          <Button type="primary" htmlType="submit" size="large" loading={pending}>
            保存登记
          </Button>
          {draftKey && dirty && (
            <Button size="large" onClick={discardDraft} data-testid="discard-draft">
              放弃草稿
            </Button>
          )}
          <span style={{ color: '#595959' }}>单行输入框内按 Enter、多行输入框内按 Ctrl+Enter 即可保存{draftKey ? '；未保存的内容自动保留为草稿' : ''}</span>
        </Space>
      </Form>
    </form>
  );
}
