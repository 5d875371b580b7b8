/**
 * Which schema each reply of the JSON admin API is serialised with (src/domain/admin-views.ts and message-view.ts,
 * admin/api-schemas.ts for the access question), by method and path, so that a test watching real replies (the
 * dashboard's, in Chromium) can check each one against the same declaration the gateway and the CLI use.
 */
import type { TSchema } from '@sinclair/typebox';
import { AccessSchema } from '../../src/admin/api-schemas.js';
import {
  AccountListSchema,
  ActionResultSchema,
  ExplanationSchema,
  GatewayStatusSchema,
  LinkListSchema,
  PeekPageSchema,
  RouteListSchema,
  SmppDisconnectSchema,
  SmppSessionsViewSchema,
} from '../../src/domain/admin-views.js';
import { MessageViewSchema } from '../../src/domain/message-view.js';

const GETS: readonly [RegExp, TSchema][] = [
  [/^status$/, GatewayStatusSchema],
  [/^access$/, AccessSchema],
  [/^links$/, LinkListSchema],
  [/^routes$/, RouteListSchema],
  [/^accounts$/, AccountListSchema],
  [/^routes\/[^/]+\/messages$/, PeekPageSchema],
  [/^messages\/[^/]+$/, MessageViewSchema],
  [/^explain$/, ExplanationSchema],
  [/^smpp-sessions$/, SmppSessionsViewSchema],
];

/** The schema of a successful reply to `method` on `url` (anything under …/api/v1/); undefined for other paths. */
export function adminReplySchema(method: string, url: string): TSchema | undefined {
  const path = /\/api\/v1\/([^?#]*)/.exec(url)?.[1];
  if (path === undefined) return undefined;
  // Every action answers with an ActionResult, but for an SMPP disconnect, which other processes carry out.
  if (method === 'POST') return path === 'smpp-sessions/disconnect' ? SmppDisconnectSchema : ActionResultSchema;
  return GETS.find(([re]) => re.test(path))?.[1];
}
