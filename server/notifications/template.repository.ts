/** Notification templates as data: the built-in defaults merged with an admin's edits. */
import type { Executor } from '../db/database.js';
import { AUDIENCES, DEFAULT_TEMPLATES, templateKey, type Audience, type TemplateText } from './templates.js';

export interface StoredTemplate extends TemplateText {
  topic: string;
  audience: Audience;
  /** True when an admin's edit replaces the built-in text. */
  customized: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** Every template that exists (built-in keys), with the admin's edit where there is one. */
export async function listTemplates(db: Executor): Promise<StoredTemplate[]> {
  const rows = await db.selectFrom('notification_templates').selectAll().execute();
  const edited = new Map(rows.map((r) => [`${r.topic}.${r.audience}`, r]));
  return Object.entries(DEFAULT_TEMPLATES).map(([key, def]) => {
    const [topic, audience] = key.split('.') as [string, Audience];
    const e = edited.get(key);
    return e
      ? { topic, audience, title: e.title, body: e.body, customized: true, updatedAt: e.updated_at, updatedBy: e.updated_by }
      : { topic, audience, ...def, customized: false, updatedAt: null, updatedBy: null };
  });
}

/** Templates in force, by `topic.audience` (for the outbox worker: one query per run). */
export async function loadTemplateMap(db: Executor): Promise<Map<string, TemplateText>> {
  const map = new Map<string, TemplateText>(Object.entries(DEFAULT_TEMPLATES));
  for (const r of await db.selectFrom('notification_templates').selectAll().execute()) {
    if (DEFAULT_TEMPLATES[`${r.topic}.${r.audience}`]) map.set(`${r.topic}.${r.audience}`, { title: r.title, body: r.body });
  }
  return map;
}

export function isKnownTemplate(topic: string, audience: string): audience is Audience {
  return (AUDIENCES as readonly string[]).includes(audience) && !!DEFAULT_TEMPLATES[templateKey(topic, audience as Audience)];
}

export async function saveTemplate(trx: Executor, topic: string, audience: Audience, t: TemplateText, by: string, at: string): Promise<void> {
  await trx
    .insertInto('notification_templates')
    .values({ topic, audience, title: t.title, body: t.body, updated_at: at, updated_by: by })
    .onConflict((oc) => oc.columns(['topic', 'audience']).doUpdateSet({ title: t.title, body: t.body, updated_at: at, updated_by: by }))
    .execute();
}

export async function deleteTemplate(trx: Executor, topic: string, audience: Audience): Promise<void> {
  await trx.deleteFrom('notification_templates').where('topic', '=', topic).where('audience', '=', audience).execute();
}
