/**
 * Kannel's sendsms parameters as a schema, for the OpenAPI document. The route itself reads them from raw bytes
 * (sendsms-params.ts: charsets matter, and a bad value gets Kannel's own sentence, not a schema error), so this is
 * not what validates them; a unit test holds it to the parser instead: every name the parser reads is here, and
 * nothing else.
 * Pure.
 */
import { Type, type TSchema } from '@sinclair/typebox';

const str = (description: string): TSchema => Type.String({ description });
const int = (minimum: number, maximum: number, description: string): TSchema =>
  Type.Integer({ minimum, maximum, description: `${description}; -1 means not given (Kannel's SMS_PARAM_UNDEFINED)` });
const alias = (of: string, schema: TSchema): TSchema => ({ ...schema, description: `The same as \`${of}\` (Kannel's older spelling)` });

const DLR_MASK = int(-1, 66, 'Which reports to send to dlr-url: 1 delivered, 2 failed, 4 buffered, 8 SMSC accepted, 16 SMSC rejected');

/** Every parameter, by the name it has in the query, the form body or (with X-Kannel-) a POST header. */
export const SENDSMS_PARAMETERS: Readonly<Record<string, TSchema>> = {
  username: str('A sendsms-user (account) name; checked after the client address'),
  user: alias('username', str('')),
  password: str("The account's password"),
  pass: alias('password', str('')),
  to: str('Receivers, separated by spaces (`+` in a URL): one message each; required'),
  from: str("Sender; else the account's default sender, else global-sender"),
  text: str('The text, in `charset`; may be empty'),
  charset: str('Charset of `text` (default UTF-8)'),
  udh: str('User data header as bytes (URL-encoded); its first byte is its length - 1, at most 140 octets'),
  smsc: str("The message's smsc-id, for routing (forced-smsc overrides it, default-smsc applies without it)"),
  coding: int(0, 2, '0 GSM 7-bit, 1 8-bit, 2 UCS-2; unset: 7-bit when the text fits (UCS-2 when it does not), 8-bit with a udh'),
  mclass: int(0, 3, 'Message class in the data coding'),
  flash: alias('mclass', int(0, 3, '')),
  mwi: int(0, 7, 'Message waiting indicator: 0-3 turns voice, fax, email, other on; 4-7 turns it off'),
  compress: int(0, 1, 'Compression bit of the data coding'),
  'alt-dcs': int(0, 1, '1: the 0xFX data coding form'),
  validity: int(0, 1_000_000_000, 'Minutes the message stays valid (SMPP validity_period)'),
  deferred: int(0, 1_000_000_000, 'Minutes to defer delivery by (SMPP schedule_delivery_time)'),
  'dlr-mask': DLR_MASK,
  dlrmask: alias('dlr-mask', DLR_MASK),
  'dlr-url': str("Where reports are sent (http:// or https://), with Kannel's escape codes (%d, %p, %i, …)"),
  dlrurl: alias('dlr-url', str('')),
  pid: int(0, 255, 'TP-PID (SMPP protocol_id)'),
  rpi: int(0, 2, 'Reply path (esm_class 0x80)'),
  account: str('Billing account, carried along; at most 64 octets, none of []\\n\\r'),
  binfo: str('Billing information (SMPP service_type)'),
  priority: int(0, 3, 'SMPP priority_flag; higher goes first'),
  'meta-data': str('Optional TLVs, `?smpp?key=value&…` (URL-encoded twice)'),
};
