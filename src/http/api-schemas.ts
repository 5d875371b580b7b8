/**
 * The request bodies of the JSON API on the sendsms port, as TypeBox schemas: the route validates with them, the
 * OpenAPI document shows them, and the request type is derived from them. Pure.
 */
import { Type, type Static } from '@sinclair/typebox';

const Hex = Type.String({ pattern: '^([0-9a-fA-F]{2})*$', description: 'bytes as hexadecimal' });

/** A receiver number: SMPP's destination_addr holds 20 octets at most, and one without a digit is no number. */
const Receiver = Type.String({
  minLength: 1,
  maxLength: 20,
  pattern: '[0-9]',
  description: 'A receiver number (at least one digit; 20 characters at most)',
});

export const MessageRequestSchema = Type.Object(
  {
    to: Type.Union([Receiver, Type.Array(Receiver, { minItems: 1, maxItems: 1000 })], {
      description: 'Receiver number, or a list of them (one message each)',
    }),
    from: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 20,
        description: 'Sender: digits, +digits, or an alphanumeric name (SMPP source_addr: 20 at most)',
      }),
    ),
    text: Type.Optional(
      Type.String({
        maxLength: 65_535,
        description: 'The text (Unicode); sent as GSM 7-bit when it fits, else UCS-2, unless `coding` says otherwise',
      }),
    ),
    binary: Type.Optional(
      Type.Intersect([Hex, Type.String({ maxLength: 131_070 })], {
        description: 'Binary payload (hex), instead of text; sent with 8-bit coding',
      }),
    ),
    coding: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('gsm7'), Type.Literal('ucs2'), Type.Literal('binary')], {
        description: 'auto (default): GSM 7-bit when the text fits, else UCS-2',
      }),
    ),
    udh: Type.Optional(Type.Intersect([Hex, Type.String({ maxLength: 280 })], { description: 'User data header (hex), UDHL first' })),
    smsc: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: "smsc-id for routing, as Kannel's `smsc`" })),
    mclass: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
    validity: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 1_000_000_000,
        description: 'Minutes the message stays valid; 0 is refused (it could never be delivered)',
      }),
    ),
    deferred: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Minutes to defer delivery by' })),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
    pid: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    dlrMask: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 31,
        description: 'Kannel dlr-mask bits: 1 delivered, 2 failed, 4 buffered, 8 SMSC accepted, 16 SMSC rejected',
      }),
    ),
    dlrUrl: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2048, description: 'Kannel-style callback URL with %-escapes' })),
    callbackUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        maxLength: 2048,
        description: 'Reports are POSTed here as JSON (every report unless dlrMask narrows it)',
      }),
    ),
    tlvs: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }),
        Type.Union([Type.String({ maxLength: 65_535 }), Type.Integer({ minimum: 0 })]),
        {
          description:
            "Optional SMPP parameters by the names of the configuration's smpp-tlv groups (Kannel's meta-data `?smpp?name=value`): text is sent as UTF-8 octets, integers as the group's length says; also source_addr_ton, source_addr_npi, dest_addr_ton, dest_addr_npi",
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SendRequestSchema = Type.Union([
  MessageRequestSchema,
  Type.Object({ messages: Type.Array(MessageRequestSchema, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
]);

export type MessageRequest = Static<typeof MessageRequestSchema>;
export type SendRequest = Static<typeof SendRequestSchema>;
