/**
 * 节假日日历: one year as twelve months, holidays (休) and make-up working days (班) marked;
 * click a day to change it, or import a JSON file `{holidays:[{date,name}], workdays:[{date,name}]}`,
 * then save (PUT /calendar/years/{year}). Saving recomputes the provisional deadlines it settles.
 */
import { useEffect, useMemo, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Modal, Row, Select, Space, Spin, Tag, Typography, Upload } from 'antd';
import { RadioGroup } from '../../components/RadioGroup';
import { DownloadOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { daysOfYear, dayOfWeek, validateYearSchedule } from '../../../../core/working-days';
import { api, ApiError } from '../../api/client';
import type { YearSchedule, YearScheduleBody } from '../../api/types';
import { useCalendarYears } from '../../api/queries';
import { useSubmitGuard } from '../../lib/useSubmitGuard';
import { shanghaiToday } from '../../lib/time';

type DayKind = 'holiday' | 'workday';
type Draft = Map<string, { kind: DayKind; name: string }>;

const WEEK_HEAD = ['一', '二', '三', '四', '五', '六', '日'];

function toDraft(s: YearScheduleBody | undefined): Draft {
  const d: Draft = new Map();
  for (const h of s?.holidays ?? []) d.set(h.date, { kind: 'holiday', name: h.name });
  for (const w of s?.workdays ?? []) d.set(w.date, { kind: 'workday', name: w.name });
  return d;
}

function fromDraft(d: Draft): YearScheduleBody {
  const sorted = [...d.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    holidays: sorted.filter(([, v]) => v.kind === 'holiday').map(([date, v]) => ({ date, name: v.name })),
    workdays: sorted.filter(([, v]) => v.kind === 'workday').map(([date, v]) => ({ date, name: v.name })),
  };
}

function Month({ year, month, draft, onPick }: { year: number; month: number; draft: Draft; onPick(date: string): void }) {
  const days = useMemo(() => daysOfYear(year).filter((d) => Number(d.slice(5, 7)) === month), [year, month]);
  const lead = (dayOfWeek(days[0]!) + 6) % 7; // Monday first
  return (
    <div className="bcs-month" data-testid={`month-${month}`}>
      <div className="bcs-month-title">{month} 月</div>
      <div className="bcs-month-grid">
        {WEEK_HEAD.map((h) => (
          <div key={h} className="head">
            {h}
          </div>
        ))}
        {Array.from({ length: lead }, (_, i) => (
          <div key={`pad-${i}`} />
        ))}
        {days.map((date) => {
          const entry = draft.get(date);
          const dow = dayOfWeek(date);
          const cls = ['bcs-day', entry?.kind ?? '', dow === 0 || dow === 6 ? 'weekend' : ''].join(' ');
          return (
            <button
              type="button"
              key={date}
              className={cls}
              title={entry ? `${date} ${entry.name}（${entry.kind === 'holiday' ? '放假' : '调休上班'}）` : date}
              onClick={() => onPick(date)}
              aria-label={date}
            >
              {Number(date.slice(8))}
              {entry && <span className="mark">{entry.kind === 'holiday' ? '休' : '班'}</span>}
            </button>
          );
        })}
      </div>
    </div>
  );
}

function DayDialog({ date, entry, onClose, onSave }: {
  date: string;
  entry: { kind: DayKind; name: string } | undefined;
  onClose(): void;
  onSave(v: { kind: DayKind; name: string } | null): void;
}) {
  const [form] = Form.useForm<{ kind: DayKind | 'normal'; name?: string }>();
  const kind = Form.useWatch('kind', form);
  const dow = dayOfWeek(date);
  return (
    <Modal
      open
      title={`${date}（星期${'日一二三四五六'[dow]}）`}
      okText="确定"
      cancelText="取消"
      onCancel={onClose}
      onOk={() =>
        form.validateFields().then((v) => onSave(v.kind === 'normal' ? null : { kind: v.kind, name: (v.name ?? '').trim() }))
      }
      destroyOnHidden
    >
      <Form form={form} layout="vertical" initialValues={{ kind: entry?.kind ?? 'normal', name: entry?.name }}>
        <Form.Item label="这一天" name="kind">
          <RadioGroup
            aria-label="这一天"
            options={[
              { value: 'normal', label: dow === 0 || dow === 6 ? '普通周末（休息）' : '普通工作日' },
              { value: 'holiday', label: '放假' },
              { value: 'workday', label: '调休上班', disabled: !(dow === 0 || dow === 6) },
            ]}
          />
        </Form.Item>
        {kind && kind !== 'normal' && (
          <Form.Item
            label="节日名称"
            name="name"
            rules={[
              { required: true, whitespace: true, message: '请填写节日名称，如 春节' },
              { max: 50, message: '名称不能超过 50 个字' },
            ]}
          >
            <Input placeholder="如 春节、国庆节" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

export default function CalendarPage() {
  const qc = useQueryClient();
  const { message, modal } = App.useApp();
  const thisYear = Number(shanghaiToday().slice(0, 4));
  const [year, setYear] = useState(thisYear);
  const [draft, setDraft] = useState<Draft>(new Map());
  const [dirty, setDirty] = useState(false);
  const [picked, setPicked] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const { run, pending } = useSubmitGuard();
  useEffect(() => {
    document.title = '节假日日历 · 办成事';
  }, []);

  const years = useCalendarYears();
  const known = years.data?.find((y) => y.year === year);
  const schedule = useQuery({
    queryKey: ['calendar-year', year],
    queryFn: () => api<YearSchedule>(`/calendar/years/${year}`),
    // Only years the server holds: asking for another would answer 404.
    enabled: !!known,
  });
  useEffect(() => {
    if (!years.data) return;
    setDraft(toDraft(known ? schedule.data : undefined));
    setDirty(false);
    setErrors([]);
  }, [year, years.data, known, schedule.data]);

  const yearOptions = useMemo(() => {
    const set = new Set([thisYear - 1, thisYear, thisYear + 1, ...(years.data ?? []).map((y) => y.year)]);
    return [...set].sort().map((y) => ({
      value: y,
      label: `${y} 年${(years.data ?? []).some((k) => k.year === y) ? '' : '（未录入）'}`,
    }));
  }, [thisYear, years.data]);

  const apply = (body: unknown): boolean => {
    const v = validateYearSchedule({ year, ...(body as object) });
    if (!v.ok) {
      setErrors(v.errors);
      return false;
    }
    setErrors([]);
    setDraft(toDraft(v.value));
    setDirty(true);
    return true;
  };

  const importFile = async (file: File) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await file.text());
    } catch {
      setErrors(['文件不是有效的 JSON']);
      return;
    }
    const p = parsed as { year?: unknown; holidays?: unknown; workdays?: unknown };
    if (!p || typeof p !== 'object' || !Array.isArray(p.holidays) || !Array.isArray(p.workdays)) {
      setErrors(['文件格式应为 {"holidays":[{"date":"YYYY-MM-DD","name":"…"}],"workdays":[…]}']);
      return;
    }
    if (p.year !== undefined && p.year !== year) {
      setErrors([`文件中的年份是 ${String(p.year)}，当前选择的是 ${year} 年`]);
      return;
    }
    if (apply({ holidays: p.holidays, workdays: p.workdays })) {
      void message.info(`已载入 ${p.holidays.length} 个放假日、${p.workdays.length} 个调休上班日，请核对后点击“保存”`);
    }
  };

  const save = () =>
    run(async () => {
      const body = fromDraft(draft);
      const v = validateYearSchedule({ year, ...body });
      if (!v.ok) {
        setErrors(v.errors);
        return;
      }
      try {
        const r = await api<{ year: number; recomputed: Array<{ caseNo: string }> }>(`/calendar/years/${year}`, { method: 'PUT', body });
        setDirty(false);
        await qc.invalidateQueries({ queryKey: ['calendar-years'] });
        await qc.invalidateQueries({ queryKey: ['calendar-year', year] });
        modal.success({
          title: `${year} 年节假日安排已保存`,
          content: r.recomputed.length
            ? `已重新计算 ${r.recomputed.length} 件反映件的临时时限：${r.recomputed.map((x) => x.caseNo).join('、')}`
            : '没有需要重新计算的临时时限。',
        });
      } catch (e) {
        if (e instanceof ApiError && e.details.length) setErrors(e.details.map((d) => d.message));
        else setErrors([e instanceof ApiError ? e.message : '保存失败']);
      }
    });

  const exportHref = useMemo(() => {
    const blob = new Blob([JSON.stringify({ year, ...fromDraft(draft) }, null, 2)], { type: 'application/json' });
    return URL.createObjectURL(blob);
  }, [draft, year]);
  useEffect(() => () => URL.revokeObjectURL(exportHref), [exportHref]);

  const body = fromDraft(draft);
  const loading = years.isPending || (!!known && schedule.isPending);

  return (
    <Card
      title={<h1 className="bcs-page-title">节假日日历</h1>}
      extra={
        <Space wrap>
          <Select aria-label="年份" value={year} style={{ width: 150 }} onChange={(y) => setYear(y)} options={yearOptions} disabled={dirty} />
          <Upload
            accept=".json,application/json"
            showUploadList={false}
            beforeUpload={(f) => {
              void importFile(f);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />}>导入 JSON</Button>
          </Upload>
          <Button icon={<DownloadOutlined />} href={exportHref} download={`holidays-${year}.json`}>
            导出 JSON
          </Button>
          <Button type="primary" icon={<SaveOutlined />} onClick={() => void save()} loading={pending} disabled={!dirty}>
            保存
          </Button>
          {dirty && (
            <Button
              onClick={() => {
                setDraft(toDraft(known ? schedule.data : undefined));
                setDirty(false);
                setErrors([]);
              }}
            >
              放弃修改
            </Button>
          )}
        </Space>
      }
    >
      <Space direction="vertical" style={{ width: '100%' }} size={12}>
        {!loading && !known && (
          <Alert
            type="warning"
            showIcon
            message={`${year} 年的节假日安排尚未录入`}
            description="跨入该年的办理时限暂按周一至周五计算，并标为“临时（日历未发布）”。国务院公布后，可逐日点选录入，或导入 JSON 文件后保存；保存后自动重算这些临时时限。"
          />
        )}
        {errors.length > 0 && (
          <Alert
            type="error"
            showIcon
            message="日历有误，未保存"
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {errors.slice(0, 20).map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            }
          />
        )}
        <Space size={16} wrap>
          <span>
            <Tag color="red">休</Tag>放假 {body.holidays.length} 天
          </span>
          <span>
            <Tag color="blue">班</Tag>调休上班 {body.workdays.length} 天
          </span>
          {known && (
            <Typography.Text type="secondary">
              来源：{known.source === 'official' ? '国务院办公厅通知（内置）' : known.source === 'admin' ? '管理员录入' : known.source}
              {known.updatedBy && known.updatedBy !== 'system' ? `，${known.updatedBy}` : ''}
            </Typography.Text>
          )}
          {dirty && <Tag color="gold">有未保存的修改</Tag>}
        </Space>
        {loading ? (
          <Spin>
            <div style={{ height: 300 }} />
          </Spin>
        ) : (
          <Row gutter={[12, 12]} data-testid="calendar-months">
            {Array.from({ length: 12 }, (_, i) => (
              <Col key={i} xs={12} md={8} xl={6} xxl={4}>
                <Month year={year} month={i + 1} draft={draft} onPick={setPicked} />
              </Col>
            ))}
          </Row>
        )}
        {!loading && body.holidays.length === 0 && body.workdays.length === 0 && (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description="该年还没有放假日或调休上班日：点选日期录入，或导入 JSON 文件" />
        )}
      </Space>
      {picked && (
        <DayDialog
          date={picked}
          entry={draft.get(picked)}
          onClose={() => setPicked(null)}
          onSave={(v) => {
            const next = new Map(draft);
            if (v) next.set(picked, v);
            else next.delete(picked);
            setDraft(next);
            setDirty(true);
            setPicked(null);
          }}
        />
      )}
    </Card>
  );
}
