/**
 * Vitest global setup: migrates and prepares one template database per dialect once per run, so a
 * test database is a copy (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE) instead of a
 * fresh migration. server/test/harness.ts takes the templates through `inject('bcsTemplates')`
 * and migrates from scratch when they are not there (a run without this setup).
 */
import type { TestProject } from 'vitest/node';
import { createTemplates } from './templates.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { templates, drop } = await createTemplates(process.env.TEST_DATABASE_URL);
  project.provide('bcsTemplates', templates);
  return drop;
}
