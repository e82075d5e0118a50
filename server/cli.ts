/**
 * The bcs command line. Every command honours DATABASE_URL (unset → ./data/banchengshi.db) and
 * BCS_DATA_KEY; the environment is read and checked by loadConfig (server/config.ts), as the
 * server does. Returns the process exit code; never calls process.exit itself.
 */
import fs from 'node:fs';
import { openPreparedDatabase } from './boot.js';
import { loadConfig, type Config } from './config.js';
import { ZDepartmentCreate, ZUserCreate, describeIssues, parseIsoInstant } from '../core/api/schemas.js';
import { ROLES } from '../core/domain.js';
import { deadlineFor } from '../core/working-days.js';
import { maskPhone } from '../core/validation.js';
import { appendAudit, verifyAuditChain } from './audit/audit.repository.js';
import { verifyAttachmentFiles } from './attachments/attachment-verify.js';
import { openAttachmentStorage } from './attachments/storage.js';
import { hashPassword } from './auth/password.js';
import { insertDepartment, insertUser, isUniqueViolation, findDepartment } from './users/user.repository.js';
import { loadCalendar } from './calendar/calendar.repository.js';
import { saveYearSchedule } from './calendar/calendar.service.js';
import { systemClock } from './context.js';
import { parseDatabaseUrl, type DatabaseHandle } from './db/dialect.js';
import type { Db } from './db/database.js';
import { rotateDataKey } from './boot.js';
import { parseMasterKey, resolveDataKey } from './security/pii.js';
import crypto from 'node:crypto';
import { postSigned, refusalOf, sampleWebhookBody, WEBHOOK_DEFAULTS } from './integrations/webhooks.js';
import { trainAndStore } from './triage/triage.service.js';
import { formatAccuracy } from '../core/triage-model.js';
import { BackupRefused, restoreBackup, writeBackup } from './backup/backup.js';
import { getSettings, putSettings, ZSettings, type Settings } from './settings/settings.repository.js';
import type { z } from 'zod';

const USAGE = `用法：bcs <命令>
  migrate                                   创建或升级数据库结构
  department add <代码> <中文名称>            新增部门
  user add <用户名> --role <${ROLES.join('|')}> [--department <代码>] [--name <中文姓名>] [--mobile <手机号码>]
                                            新增用户（密码从标准输入读取）
  settings set <键> <JSON 值>                修改一项系统设置（记入审计），所有运行中的服务立即生效，
                                            如 bcs settings set totpRequiredRoles '[]'
  settings get [键]                          显示系统设置（JSON）
  audit verify                              校验审计链，并重新读取每个附件核对其 SM3：完整则输出 "ok N" 并返回 0；
                                            否则逐个列出不符的记录或附件并返回 1
  deadline <起算时刻 ISO> <工作日数>          计算办理时限（+08:00）
  calendar import <文件.json>                导入某年节假日安排 {"year","holidays":[{date,name}],"workdays":[…]}（可为数组）
  calendar list                             列出已录入的年份
  triage train                              立即用本县已受理、已交办的反映件重新训练分办建议模型，输出留出集（按编号哈希取 20%）上的
                                            命中率，如 "department top-1 92.0% top-3 100.0%"、"problemType …" 及训练耗时；
                                            运行中的服务从下一个请求起使用新模型
  webhook test <编号>                        向该 Webhook 发送一个签名的示例事件（type 为 webhook.test），输出对方的答复
  backup <文件>                              在服务运行时备份整个安装（数据库、附件、数据密钥的校验值；不含密钥本身）
  restore <文件>                             把备份恢复到空数据库（SQLite 或 PostgreSQL 均可）；先校验整个文件，
                                            文件损坏、密钥不符或数据库不空时拒绝（返回 1），不做任何改动
  data-key rotate                           更换数据密钥并重新加密全部反映人信息（先停止所有服务）：
                                            新密钥取自 BCS_NEW_DATA_KEY；使用密钥文件时可不设，自动生成并写回密钥文件
环境变量 DATABASE_URL：不设置时使用 ./data/banchengshi.db；sqlite:<路径>；postgres://…`;

type Out = { log: (s: string) => void; err: (s: string) => void; stdin: () => Promise<string> };

const defaultOut: Out = {
  log: (s) => console.log(s),
  err: (s) => console.error(s),
  stdin: async () => {
    if (process.stdin.isTTY) process.stderr.write('请输入密码：');
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) {
      chunks.push(c as Buffer);
      if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  },
};

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq?.slice(name.length + 1);
}

const CLI_ACTOR = { username: 'cli', name: '命令行', role: 'admin' as const };

/** Runs one command; `env` (default: this process's environment) is read through loadConfig. */
export async function main(argv: string[], out: Out = defaultOut, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [cmd, sub, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    out.log(USAGE);
    return cmd ? 0 : 2;
  }
  if (cmd === 'restore') return restoreCommand(sub, out, env);
  // `deadline` needs the calendar, which lives in the database too.
  let handle: DatabaseHandle | undefined;
  try {
    const config = loadConfig(env);
    handle = await openPreparedDatabase(config.databaseUrl, { configuredKey: config.dataKey });
    const db = handle.db;
    const now = systemClock.now();
    const at = now.toISOString();
    if (cmd === 'migrate') {
      out.log(`数据库已是最新结构（${handle.kind}）`);
      return 0;
    }
    if (cmd === 'department' && sub === 'add') {
      const parsed = ZDepartmentCreate.safeParse({ code: rest[0], name: rest[1] });
      if (!parsed.success) {
        out.err(`输入有误：${describeIssues(parsed.error).map((d) => `${d.field}：${d.message}`).join('；')}`);
        return 2;
      }
      try {
        await db.transaction().execute(async (trx) => {
          await insertDepartment(trx, { code: parsed.data.code, name: parsed.data.name, at });
          await appendAudit(trx, { at, actor: 'cli', action: 'department.add', entityType: 'department', entityId: parsed.data.code, data: parsed.data });
        });
      } catch (e) {
        if (isUniqueViolation(e)) {
          out.err(`部门代码“${parsed.data.code}”已存在`);
          return 1;
        }
        throw e;
      }
      out.log(`已新增部门 ${parsed.data.code} ${parsed.data.name}`);
      return 0;
    }
    if (cmd === 'user' && sub === 'add') {
      const password = (await out.stdin()).split(/\r?\n/)[0] ?? '';
      const input = {
        username: rest[0],
        role: option(rest, '--role'),
        department: option(rest, '--department'),
        name: option(rest, '--name'),
        mobile: option(rest, '--mobile'),
        password,
      };
      const parsed = ZUserCreate.safeParse(input);
      if (!parsed.success) {
        out.err(`输入有误：${describeIssues(parsed.error).map((d) => `${d.field}：${d.message}`).join('；')}`);
        return 2;
      }
      const u = parsed.data;
      if (u.department && !(await findDepartment(db, u.department))) {
        out.err(`部门代码“${u.department}”不存在，请先执行 bcs department add`);
        return 2;
      }
      const passwordHash = await hashPassword(u.password);
      try {
        await db.transaction().execute(async (trx) => {
          const id = await insertUser(trx, { username: u.username, name: u.name ?? u.username, role: u.role, department: u.department ?? null, passwordHash, at, mobile: u.mobile ?? null });
          await appendAudit(trx, {
            at,
            actor: 'cli',
            action: 'user.add',
            entityType: 'user',
            entityId: String(id),
            data: { username: u.username, role: u.role, department: u.department ?? null, ...(u.mobile ? { mobile: maskPhone(u.mobile) } : {}) },
          });
        });
      } catch (e) {
        if (isUniqueViolation(e)) {
          out.err(`用户名“${u.username}”已存在`);
          return 1;
        }
        throw e;
      }
      out.log(`已新增用户 ${u.username}（${u.role}${u.department ? `，${u.department}` : ''}）`);
      return 0;
    }
    if (cmd === 'backup') {
      if (!sub) {
        out.err('用法：bcs backup <文件>，例如 bcs backup /backup/bcs-2026-12-06.bcsbak');
        return 2;
      }
      const s = await writeBackup({ databaseUrl: config.databaseUrl, db, storage: openAttachmentStorage(config.attachments), file: sub, at, actor: CLI_ACTOR.username });
      out.log(`已备份到 ${s.file}：${Object.keys(s.counts).length} 张表，${s.counts.cases ?? 0} 件反映件，${s.counts.audit_log ?? 0} 条审计记录，${s.blobs} 个附件；${(s.bytes / 1048576).toFixed(1)} MB，用时 ${(s.ms / 1000).toFixed(1)} 秒`);
      return 0;
    }
    if (cmd === 'settings' && sub === 'set') {
      const [key, text] = rest;
      const shape = ZSettings.shape as Record<string, z.ZodType>;
      if (!key || text === undefined || !Object.hasOwn(shape, key)) {
        out.err(`用法：bcs settings set <键> <JSON 值>；键为 ${Object.keys(shape).join('、')} 之一`);
        return 2;
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        out.err(`“${text.slice(0, 100)}”不是 JSON，例如字符串须加引号：'"垫江县"'`);
        return 2;
      }
      const parsed = shape[key]!.safeParse(value);
      if (!parsed.success) {
        out.err(`输入有误：${describeIssues(parsed.error).map((d) => `${d.field === '(body)' ? key : `${key}.${d.field}`}：${d.message}`).join('；')}`);
        return 2;
      }
      // Settings are read from the database on every use (server/settings/settings.repository.ts):
      // every running server sees the change at its next request.
      await db.transaction().execute(async (trx) => {
        await putSettings(trx, { [key]: parsed.data } as Partial<Settings>, at);
        await appendAudit(trx, { at, actor: 'cli', action: 'settings.update', entityType: 'settings', entityId: key, data: { [key]: parsed.data, via: 'console' } });
      });
      out.log(`已修改 ${key} = ${JSON.stringify(parsed.data)}`);
      return 0;
    }
    if (cmd === 'settings' && sub === 'get') {
      const s = (await getSettings(db)) as Record<string, unknown>;
      out.log(JSON.stringify(rest[0] ? (Object.hasOwn(s, rest[0]) ? s[rest[0]] : null) : s, null, 2));
      return 0;
    }
    if (cmd === 'data-key' && sub === 'rotate') {
      return await rotateKeyCommand(db, config, at, out);
    }
    if (cmd === 'audit' && sub === 'verify') {
      const r = await verifyAuditChain(db);
      if (!r.ok) {
        out.err(`broken at record ${r.brokenAt}: ${r.reason}`);
        return 1;
      }
      // The stored files too: each one's bytes against the SM3 in its audit record.
      const f = await verifyAttachmentFiles(db, openAttachmentStorage(config.attachments));
      if (f.problems.length) {
        for (const p of f.problems) out.err(`${p.file}: ${p.problem}`);
        out.err(`${f.problems.length} of ${f.files} attachment files do not match their audit records`);
        return 1;
      }
      out.log(`ok ${r.records}${f.files ? ` (${f.files} attachment files intact)` : ''}`);
      return 0;
    }
    if (cmd === 'deadline') {
      const [startRaw, daysRaw] = [sub, rest[0]];
      const start = startRaw ? parseIsoInstant(startRaw, 'start') : null;
      if (!start || !/^\d{1,3}$/.test(daysRaw ?? '')) {
        out.err('用法：bcs deadline <起算时刻 ISO，如 2026-11-26T10:00:00+08:00> <工作日数 0–365>');
        return 2;
      }
      const d = deadlineFor(start, Number(daysRaw), await loadCalendar(db));
      out.log(d.dueAtIso);
      if (d.provisional) out.err('注意：该时限跨入尚未录入节假日安排的年份，按周一至周五临时计算');
      return 0;
    }
    if (cmd === 'calendar' && sub === 'import') {
      const file = rest[0];
      if (!file || !fs.existsSync(file)) {
        out.err(`找不到文件：${file ?? '（未指定）'}`);
        return 2;
      }
      let data: unknown;
      try {
        data = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        out.err('文件不是有效的 JSON');
        return 2;
      }
      const years = Array.isArray(data) ? data : [data];
      for (const y of years) {
        try {
          const r = await saveYearSchedule({ db, kind: handle.kind, clock: systemClock }, y, CLI_ACTOR, `import:${file.split('/').pop()}`);
          out.log(`已导入 ${r.year} 年节假日安排；重新计算了 ${r.recomputed.length} 件临时时限`);
          for (const c of r.recomputed) out.log(`  ${c.caseNo}: ${c.from ?? '—'} → ${c.to}`);
        } catch (e) {
          const details = (e as { details?: Array<{ message: string }> }).details;
          out.err(`导入失败：${details ? details.map((d) => d.message).join('；') : (e as Error).message}`);
          return 1;
        }
      }
      return 0;
    }
    if (cmd === 'triage' && sub === 'train') {
      const r = await trainAndStore({ db, kind: handle.kind, clock: systemClock }, 'cli');
      out.log(formatAccuracy('department', r.accuracy.department));
      out.log(formatAccuracy('problemType', r.accuracy.problemType));
      out.log(`training time ${(r.trainingMs / 1000).toFixed(2)} s (${r.departmentCases} dispatched, ${r.problemTypeCases} accepted cases; model ${r.modelId})`);
      return 0;
    }
    if (cmd === 'webhook' && sub === 'test') {
      return await webhookTestCommand(db, rest[0], at, out);
    }
    if (cmd === 'calendar' && sub === 'list') {
      const rows = await db.selectFrom('calendar_years').selectAll().orderBy('year').execute();
      for (const r of rows) out.log(`${r.year}\t${r.source}\t${r.updated_at}`);
      return 0;
    }
    out.err(`未知命令：${argv.join(' ')}\n\n${USAGE}`);
    return 2;
  } catch (e) {
    out.err(`出错了：${(e as Error).message}`);
    return 1;
  } finally {
    await handle?.close();
  }
}


/** `bcs restore <file>`: into an empty database only; a refusal answers 1 and changes nothing. */
async function restoreCommand(file: string | undefined, out: Out, env: NodeJS.ProcessEnv): Promise<number> {
  if (!file) {
    out.err('用法：bcs restore <备份文件>（目标数据库由 DATABASE_URL 指定，须为空）');
    return 2;
  }
  try {
    const config = loadConfig(env);
    const s = await restoreBackup({
      databaseUrl: config.databaseUrl,
      configuredKey: config.dataKey,
      storage: openAttachmentStorage(config.attachments),
      file,
      at: systemClock.now().toISOString(),
      actor: CLI_ACTOR.username,
    });
    out.log(`已从 ${file} 恢复（来源 ${s.source}）：${s.counts.cases ?? 0} 件反映件，${s.counts.audit_log ?? 0} 条审计记录，${s.blobs} 个附件；用时 ${(s.ms / 1000).toFixed(1)} 秒。可执行 bcs audit verify 核对。`);
    return 0;
  } catch (e) {
    out.err(e instanceof BackupRefused ? (e as Error).message : `恢复失败，数据库未做任何改动：${(e as Error).message}`);
    return 1;
  }
}

/**
 * `bcs data-key rotate`: the new key from BCS_NEW_DATA_KEY, or (with a key file) a new random key
 * written beside the old one first, moved into place only after the database has committed.
 */
async function rotateKeyCommand(db: Db, config: Config, at: string, out: Out): Promise<number> {
  const { kind, target } = parseDatabaseUrl(config.databaseUrl);
  const current = resolveDataKey(kind === 'sqlite' ? target : null, config.dataKey);
  let newKey: Buffer;
  let staged: string | null = null;
  if (config.newDataKey) {
    newKey = parseMasterKey(config.newDataKey, '环境变量 BCS_NEW_DATA_KEY ');
  } else if (current.file) {
    newKey = crypto.randomBytes(32);
    staged = `${current.file}.new`;
    fs.writeFileSync(staged, newKey.toString('hex') + '\n', { mode: 0o600 });
  } else {
    out.err('当前密钥来自环境变量 BCS_DATA_KEY：请用环境变量 BCS_NEW_DATA_KEY 提供新密钥（openssl rand -hex 32）');
    return 2;
  }
  let count: number;
  try {
    count = await rotateDataKey(db, current.key, newKey, at, CLI_ACTOR.username);
  } catch (e) {
    if (staged) fs.rmSync(staged, { force: true });
    out.err(`更换失败，数据未改动：${(e as Error).message}`);
    return 1;
  }
  out.log(`已用新密钥重新加密 ${count} 件反映件的反映人信息。`);
  if (staged && current.file) {
    fs.renameSync(current.file, `${current.file}.old`);
    fs.renameSync(staged, current.file);
    out.log(`新密钥已写入 ${current.file}；旧密钥保存在 ${current.file}.old（只用于恢复更换前的备份，确认不再需要后请删除）。`);
  } else {
    out.log('请把各服务实例的 BCS_DATA_KEY 改为新密钥后再启动。');
  }
  return 0;
}

/** `bcs webhook test <id>`: one signed sample event to a receiver, and what it answered. */
async function webhookTestCommand(db: Db, rawId: string | undefined, at: string, out: Out): Promise<number> {
  if (!rawId || !/^\d{1,9}$/.test(rawId)) {
    out.err('用法：bcs webhook test <编号>（编号见 系统管理 → Webhook）');
    return 2;
  }
  const hook = await db.selectFrom('webhooks').selectAll().where('id', '=', Number(rawId)).where('deleted_at', 'is', null).executeTakeFirst();
  if (!hook) {
    out.err(`没有编号为 ${rawId} 的 Webhook`);
    return 1;
  }
  const refused = await refusalOf(hook.url, (await getSettings(db)).webhookAllowPrivateNetworks);
  if (refused) {
    out.err(refused);
    return 1;
  }
  const body = JSON.stringify(sampleWebhookBody(hook.id, at));
  const id = (JSON.parse(body) as { id: string }).id;
  const r = await postSigned(hook.url, body, hook.secret, { type: 'webhook.test', eventId: id }, WEBHOOK_DEFAULTS.timeoutMs);
  out.log(`已向 ${hook.url} 发送示例事件 ${id}（${r.durationMs} 毫秒）`);
  if (r.error) {
    out.err(r.error);
    return 1;
  }
  out.log(`对方答复 HTTP ${r.status}：签名与投递正常`);
  return 0;
}
