/** Documents: 交办单 (Word), 回执 (print page with QR code), 台账 export and import (Excel). */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.js';

export async function registerDocumentRoutes(_app: FastifyInstance, _ctx: AppContext): Promise<void> {
  // Routes are added here by the documents work (issue 4).
}
