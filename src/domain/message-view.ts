/**
 * A message as both ports show it (GET /api/v1/messages/{id} on the sendsms port and on the admin port), declared
 * once: the schema serialises the replies and goes into the OpenAPI document, and the type is derived from it.
 * Everything but the id, the status and the history is absent when the message does not have it yet.
 */
import { Type, type Static } from '@sinclair/typebox';

const Opt = Type.Optional;

const HistoryEntrySchema = Type.Object({
  at: Type.Number(),
  event: Type.String(),
  part: Opt(Type.Integer()),
  detail: Opt(Type.String()),
});

export const MessageViewSchema = Type.Object(
  {
    id: Type.String(),
    status: Type.String({ description: 'queued, submitted, failed, buffered, delivered, undeliverable, expired, removed' }),
    from: Opt(Type.String()),
    to: Opt(Type.String()),
    acceptedAt: Opt(Type.Number()),
    updatedAt: Opt(Type.Number()),
    submittedAt: Opt(Type.Number()),
    service: Opt(Type.String()),
    link: Opt(Type.String()),
    smscId: Opt(Type.String()),
    totalParts: Opt(Type.Integer()),
    parts: Opt(Type.Array(Type.Object({ seq: Type.Integer(), smscMessageId: Opt(Type.String()), receipt: Opt(Type.String()) }))),
    error: Opt(Type.String()),
    commandStatus: Opt(Type.Integer()),
    dlrMask: Opt(Type.Integer()),
    dlrUrl: Opt(Type.String()),
    callbackUrl: Opt(Type.String()),
    billing: Opt(Type.String({ description: "Kannel's `account` parameter (a billing reference), as the request gave it" })),
    queueState: Opt(Type.String({ description: "While queued: the queue job's state (waiting, active, delayed), or moving" })),
    route: Opt(Type.String()),
    attempts: Opt(Type.Integer()),
    unanswered: Opt(Type.Integer()),
    account: Opt(Type.String({ description: 'On the admin port only: the account that sent it' })),
    history: Type.Array(HistoryEntrySchema, {
      description: 'accepted, submitted (with the SMSC id), refused, buffered, delivered, failed, expired…, per part',
    }),
  },
  { description: 'A message: its status, each part with its SMSC id and receipt, and its history' },
);
export type MessageView = Static<typeof MessageViewSchema>;
