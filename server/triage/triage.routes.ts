/** 分办建议 (issue 15): a case's learned suggestions for the coordinator's triage. */
import type { FastifyInstance } from 'fastify';
import { errorResponse, ZSuggestions } from '../../core/api/responses.js';
import type { AppContext } from '../context.js';
import { route } from '../http.js';
import { noKnowledge, suggestionsFor, type KnowledgeSuggester } from './triage.service.js';

export function registerTriageRoutes(app: FastifyInstance, ctx: AppContext, opts: { knowledge?: KnowledgeSuggester } = {}): void {
  const knowledge = opts.knowledge ?? noKnowledge;
  route(
    app,
    {
      method: 'GET',
      url: '/cases/:id/suggestions',
      operationId: 'getCaseSuggestions',
      summary: '分办建议（县行管办）：问题类型、牵头部门（从本县已受理、已交办的反映件中学得，已决定的不足 50 件时为空）、相关知识、相似的较早反映件，最可能的在前',
      tag: '反映件',
      // The role is checked after the case is found (API.md: 404 before 403), in suggestionsFor.
      response: { 200: ZSuggestions, 403: errorResponse('FORBIDDEN') },
    },
    async (req, _reply, { actor }) => {
      const { id } = req.params as { id: string };
      return suggestionsFor(ctx, id, actor, knowledge);
    },
  );
}
